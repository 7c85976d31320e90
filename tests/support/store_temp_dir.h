// A fresh temporary directory for tests that create datastores, removed afterwards.
//
// A chunk store has 65536 prefix directories. Creating and removing them costs ~3 s each on
// the ext4 /tmp of our build machines but ~0.3 s on tmpfs, so this prefers /dev/shm (when it
// is a writable directory) over $TMPDIR and /tmp. Set FERRY_TEST_STORE_TMPDIR to force a
// location (e.g. to run the suites on a real disk). Header-only so that it adds nothing to the
// support library the other suites link.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace ferry::test {

class StoreTempDir {
 public:
  StoreTempDir() {
    std::string tmpl = base_dir() + "/ferry-store-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
    path_ = tmpl;
  }
  ~StoreTempDir() {
    std::error_code ec;
    remove_chunk_dirs(path_);
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
      if (entry.is_directory(ec)) remove_chunk_dirs(entry.path());
    }
    std::filesystem::remove_all(path_, ec);
  }
  StoreTempDir(const StoreTempDir&) = delete;
  StoreTempDir& operator=(const StoreTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  // rmdir of the (mostly empty) prefix directories of `<dir>/.chunks` without listing each,
  // which halves the cleanup time compared to remove_all. Non-empty ones stay for remove_all.
  static void remove_chunk_dirs(const std::filesystem::path& dir) {
    int fd = ::open((dir / ".chunks").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    char name[8];
    for (unsigned i = 0; i < 65536; ++i) {
      std::snprintf(name, sizeof name, "%04x", i);
      ::unlinkat(fd, name, AT_REMOVEDIR);
    }
    ::close(fd);
  }

  static std::string base_dir() {
    if (const char* forced = std::getenv("FERRY_TEST_STORE_TMPDIR"); forced && *forced) {
      return forced;
    }
    if (::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
    const char* tmp = std::getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
  }

  std::filesystem::path path_;
};

}  // namespace ferry::test
