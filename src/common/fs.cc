#include "common/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/fault.h"

namespace ferry::fs {
namespace {

// Closes an fd on scope exit.
struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

Status write_all(int fd, ByteView data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno);
    }
    done += size_t(n);
  }
  return ok();
}

}  // namespace

Status fsync_dir(const stdfs::path& dir) {
  FdGuard g{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (g.fd < 0) return with_context<void>(errno_error(errno), "open directory '{}'", dir.string());
  if (::fsync(g.fd) != 0) {
    return with_context<void>(errno_error(errno), "fsync directory '{}'", dir.string());
  }
  return ok();
}

Status atomic_replace(const stdfs::path& path, ByteView data, const ReplaceOptions& opts) {
  std::string tmpl = path.string() + ".tmp_XXXXXX";
  FdGuard g{::mkostemp(tmpl.data(), O_CLOEXEC)};
  if (g.fd < 0) {
    return with_context<void>(errno_error(errno), "create temporary file for '{}'", path.string());
  }
  auto fail = [&](const char* step) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return with_context<void>(errno_error(err), "{} '{}'", step, tmpl);
  };
  if (auto st = write_all(g.fd, data); !st) {
    ::unlink(tmpl.c_str());
    return with_context<void>(std::move(st), "write '{}'", tmpl);
  }
  if (::fchmod(g.fd, opts.mode) != 0) return fail("chmod");
  FERRY_FAULT_POINT("atomic_replace.written");
  if (opts.fsync && ::fsync(g.fd) != 0) return fail("fsync");
  FERRY_FAULT_POINT("atomic_replace.before_rename");
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return with_context<void>(errno_error(err), "rename '{}' to '{}'", tmpl, path.string());
  }
  FERRY_FAULT_POINT("atomic_replace.renamed");
  if (opts.fsync) {
    stdfs::path dir = path.parent_path();
    FERRY_TRY(fsync_dir(dir.empty() ? stdfs::path(".") : dir));
  }
  return ok();
}

Status create_exclusive(const stdfs::path& path, ByteView data, mode_t mode) {
  FdGuard g{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)};
  if (g.fd < 0) return with_context<void>(errno_error(errno), "create '{}'", path.string());
  if (auto st = write_all(g.fd, data); !st) {
    ::unlink(path.c_str());
    return with_context<void>(std::move(st), "write '{}'", path.string());
  }
  return ok();
}

Result<Bytes> read_file(const stdfs::path& path, uint64_t max_size) {
  FdGuard g{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (g.fd < 0) return with_context<Bytes>(errno_error(errno), "open '{}'", path.string());
  struct stat st {};
  if (::fstat(g.fd, &st) != 0) {
    return with_context<Bytes>(errno_error(errno), "stat '{}'", path.string());
  }
  if (!S_ISREG(st.st_mode)) {
    return make_error(Errc::InvalidArgument, "'{}' is not a regular file", path.string());
  }
  if (uint64_t(st.st_size) > max_size) {
    return make_error(Errc::InvalidArgument, "'{}' is too large ({} bytes, limit {})",
                      path.string(), st.st_size, max_size);
  }
  // Files such as /proc/<pid>/stat report size 0 but have content: read those to EOF.
  const bool sized = st.st_size > 0;
  Bytes out(sized ? size_t(st.st_size) : size_t(4096));
  size_t done = 0;
  for (;;) {
    if (done == out.size()) {
      if (sized) break;
      if (out.size() >= max_size) {
        return make_error(Errc::InvalidArgument, "'{}' is too large (limit {} bytes)",
                          path.string(), max_size);
      }
      out.resize(std::min<uint64_t>(out.size() * 2, max_size + 1));
    }
    ssize_t n = ::read(g.fd, out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return with_context<Bytes>(errno_error(errno), "read '{}'", path.string());
    }
    if (n == 0) break;  // end of file (or the file shrank underneath us)
    done += size_t(n);
  }
  if (done > max_size) {
    return make_error(Errc::InvalidArgument, "'{}' is too large (limit {} bytes)", path.string(),
                      max_size);
  }
  out.resize(done);
  return out;
}

Result<std::string> read_text_file(const stdfs::path& path, uint64_t max_size) {
  FERRY_TRY_ASSIGN(Bytes b, read_file(path, max_size));
  return std::string(b.begin(), b.end());
}

Status make_dir(const stdfs::path& path, mode_t mode, bool exist_ok) {
  if (::mkdir(path.c_str(), mode) == 0) return ok();
  int err = errno;
  if (err == EEXIST && exist_ok) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return ok();
  }
  return with_context<void>(errno_error(err), "mkdir '{}'", path.string());
}

Status make_dirs(const stdfs::path& path, mode_t mode) {
  std::error_code ec;
  if (stdfs::is_directory(path, ec)) return ok();
  stdfs::path parent = path.parent_path();
  if (!parent.empty() && parent != path) FERRY_TRY(make_dirs(parent, mode));
  return make_dir(path, mode, true);
}

Result<bool> exists(const stdfs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return with_context<bool>(errno_error(errno), "stat '{}'", path.string());
}

Result<bool> is_directory(const stdfs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return with_context<bool>(errno_error(errno), "stat '{}'", path.string());
}

Status remove_tree(const stdfs::path& path) {
  std::error_code ec;
  stdfs::remove_all(path, ec);
  if (ec) return make_error(Errc::Io, "remove '{}': {}", path.string(), ec.message());
  return ok();
}

Status remove_file(const stdfs::path& path, bool missing_ok) {
  if (::unlink(path.c_str()) == 0) return ok();
  if (errno == ENOENT && missing_ok) return ok();
  return with_context<void>(errno_error(errno), "unlink '{}'", path.string());
}

Result<std::vector<DirEntry>> list_dir(const stdfs::path& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return with_context<std::vector<DirEntry>>(errno_error(errno), "open directory '{}'",
                                               dir.string());
  }
  std::vector<DirEntry> out;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    DirEntry entry{std::string(name), false, false};
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      }
    }
    entry.is_dir = type == DT_DIR;
    entry.is_regular = type == DT_REG;
    out.push_back(std::move(entry));
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) {
    return with_context<std::vector<DirEntry>>(errno_error(err), "read directory '{}'",
                                               dir.string());
  }
  return out;
}

}  // namespace ferry::fs
