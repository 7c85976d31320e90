// A fresh temporary directory for tests that create datastores, removed afterwards.
//
// A chunk store has 65536 prefix directories. Creating and removing them costs ~3 s each on
// the ext4 /tmp of our build machines but ~0.3 s on tmpfs, so this prefers /dev/shm (when it
// is a writable directory) over $TMPDIR and /tmp. Set FERRY_TEST_STORE_TMPDIR to force a
// location (e.g. to run the suites on a real disk). Header-only so that it adds nothing to the
// support library the other suites link.
#pragma once

#include <stdlib.h>
#include <unistd.h>

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
    std::filesystem::remove_all(path_, ec);
  }
  StoreTempDir(const StoreTempDir&) = delete;
  StoreTempDir& operator=(const StoreTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
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
