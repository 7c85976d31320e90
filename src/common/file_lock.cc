#include "common/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace ferry {
namespace {

// One attempt. Returns 0, or the errno (EWOULDBLOCK/EAGAIN/EACCES mean "held elsewhere").
int try_lock(int fd, FileLock::Kind kind, LockMode mode) {
  if (kind == FileLock::Kind::Flock) {
    int op = (mode == LockMode::Shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    while (::flock(fd, op) != 0) {
      if (errno != EINTR) return errno;
    }
    return 0;
  }
  struct flock fl {};
  fl.l_type = mode == LockMode::Shared ? F_RDLCK : F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;
  while (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

bool is_contended(int err) { return err == EWOULDBLOCK || err == EAGAIN || err == EACCES; }

Status lock_with_retry(int fd, FileLock::Kind kind, LockMode mode,
                       std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int err = try_lock(fd, kind, mode);
    if (err == 0) return ok();
    if (!is_contended(err)) return errno_error(err);
    if (timeout.count() == 0) return make_error(Errc::Conflict, "lock is held by another task");
    if (std::chrono::steady_clock::now() >= deadline) {
      return make_error(Errc::Timeout, "timed out after {} ms waiting for lock", timeout.count());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace

Result<FileLock> FileLock::acquire(const std::filesystem::path& path, LockMode mode,
                                   const Options& opts) {
  int flags = O_CLOEXEC;
  // Record write locks need a writable fd; flock works on read-only fds (and directories).
  flags |= opts.kind == Kind::Record ? O_RDWR : O_RDONLY;
  if (opts.create) flags |= O_CREAT;
  int fd = ::open(path.c_str(), flags, 0660);
  if (fd < 0) return with_context<FileLock>(errno_error(errno), "open lock '{}'", path.string());
  FileLock lock(fd, opts.kind);
  if (auto st = lock_with_retry(fd, opts.kind, mode, opts.timeout); !st) {
    return with_context<FileLock>(tl::unexpected(std::move(st).error()), "lock '{}'",
                                  path.string());
  }
  return lock;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    kind_ = other.kind_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() {
  if (fd_ >= 0) {
    ::close(fd_);  // closing the descriptor releases flock and OFD locks
    fd_ = -1;
  }
}

Status FileLock::change_mode(LockMode mode, const Options& opts) {
  if (fd_ < 0) return make_error(Errc::Internal, "lock not held");
  return lock_with_retry(fd_, kind_, mode, opts.timeout);
}

}  // namespace ferry
