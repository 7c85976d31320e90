// Inter-process locks on files and directories (datastore-format.md §12, config-format.md §1.2).
//
// Two kinds, both released when the FileLock is destroyed:
//   * `flock` locks: PBS's group/snapshot directory locks and config-file locks. They belong
//     to the open file description, so two FileLocks in one process conflict like two
//     processes do.
//   * record locks (`fcntl`, whole file): PBS's chunk-store `.lock`. We use Linux open file
//     description locks (F_OFD_SETLK), which conflict with PBS's classic POSIX record locks on
//     the same file but, unlike them, are not dropped when any other fd of the process closes.
//
// Acquisition never blocks indefinitely: `timeout` zero means one non-blocking attempt,
// otherwise attempts are retried until the deadline. A lock that is held elsewhere yields
// Errc::Conflict (Errc::Timeout after a non-zero timeout).
#pragma once

#include <chrono>
#include <filesystem>

#include "common/result.h"

namespace ferry {

enum class LockMode { Shared, Exclusive };

class FileLock {
 public:
  enum class Kind { Flock, Record };

  struct Options {
    Kind kind = Kind::Flock;
    std::chrono::milliseconds timeout{0};
    bool create = false;  // create the file (mode 0660) if missing; not for directories
  };

  // Opens `path` (a file or a directory) and locks it. Errors: NotFound, Io, Conflict
  // (held, non-blocking), Timeout (held past the timeout).
  static Result<FileLock> acquire(const std::filesystem::path& path, LockMode mode,
                                  const Options& opts);
  static Result<FileLock> acquire(const std::filesystem::path& path, LockMode mode) {
    return acquire(path, mode, Options{});
  }

  FileLock(FileLock&& other) noexcept : fd_(other.fd_), kind_(other.kind_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Changes the mode of a held lock (e.g. exclusive → shared), with the same retry rules.
  Status change_mode(LockMode mode, const Options& opts);

  bool held() const { return fd_ >= 0; }
  // Releases early (the destructor does it otherwise).
  void release();

 private:
  explicit FileLock(int fd, Kind kind) : fd_(fd), kind_(kind) {}
  int fd_ = -1;
  Kind kind_ = Kind::Flock;
};

}  // namespace ferry
