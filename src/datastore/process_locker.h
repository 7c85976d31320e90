// ferry::datastore::ProcessLocker — the chunk-store `.lock` (spec datastore-format §12.1).
//
// One record lock on `<base>/.lock` per process, shared by every user in that process:
//
//   * a *shared* guard is held by each backup writer, sync or restore that may add index
//     references. The process holds a shared record lock while at least one shared guard
//     lives, and remembers when each guard was taken: the oldest is the "oldest writer" that
//     garbage collection must not sweep chunks newer than.
//   * an *exclusive* guard is taken (non-blocking) by garbage collection. It converts the
//     process's lock to exclusive, which fails only when *another process* holds the lock;
//     shared guards of this process do not block it (PBS ProcessLocker semantics). When the
//     exclusive guard ends, the lock goes back to shared if writers remain.
//
// Record locks are Linux open-file-description locks (common/file_lock.h), which conflict with
// PBS's classic POSIX record locks on the same file.
//
// Thread-safe. Guards hold a reference to the locker and may outlive the ChunkStore.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "common/clock.h"
#include "common/file_lock.h"
#include "common/result.h"

namespace ferry::datastore {

class ProcessLocker : public std::enable_shared_from_this<ProcessLocker> {
 public:
  // Releases the lock of the guard's kind when destroyed. Movable.
  class SharedGuard {
   public:
    SharedGuard(SharedGuard&& o) noexcept : locker_(std::move(o.locker_)), id_(o.id_) {}
    SharedGuard& operator=(SharedGuard&& o) noexcept;
    ~SharedGuard();

   private:
    friend class ProcessLocker;
    SharedGuard(std::shared_ptr<ProcessLocker> l, uint64_t id) : locker_(std::move(l)), id_(id) {}
    std::shared_ptr<ProcessLocker> locker_;
    uint64_t id_ = 0;
  };

  class ExclusiveGuard {
   public:
    ExclusiveGuard(ExclusiveGuard&& o) noexcept : locker_(std::move(o.locker_)) {}
    ExclusiveGuard& operator=(ExclusiveGuard&& o) noexcept;
    ~ExclusiveGuard();

   private:
    friend class ProcessLocker;
    explicit ExclusiveGuard(std::shared_ptr<ProcessLocker> l) : locker_(std::move(l)) {}
    std::shared_ptr<ProcessLocker> locker_;
  };

  // A locker for `lock_file` (which must exist; it is opened only while a lock is held).
  // `clock` must outlive the locker. Never fails, never blocks.
  static std::shared_ptr<ProcessLocker> create(std::filesystem::path lock_file, const Clock& clock);

  // Takes a shared guard. Errors: Conflict when another process holds the lock exclusively
  // (the message says so), Io/NotFound opening the lock file. Non-blocking.
  Result<SharedGuard> try_shared_lock();

  // Takes the exclusive guard. Errors: Conflict when another process holds any lock on the
  // file, or when this process already holds the exclusive guard. Non-blocking.
  Result<ExclusiveGuard> try_exclusive_lock();

  // Epoch seconds at which the oldest live shared guard was taken; nullopt if none.
  std::optional<int64_t> oldest_shared_lock() const;

  ProcessLocker(std::filesystem::path lock_file, const Clock& clock)
      : lock_file_(std::move(lock_file)), clock_(clock) {}

 private:
  void release_shared(uint64_t id);
  void release_exclusive();

  const std::filesystem::path lock_file_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::optional<FileLock> lock_;        // guarded by mutex_
  std::map<uint64_t, int64_t> shared_;  // guard id -> start time; guarded by mutex_
  uint64_t next_id_ = 1;                // guarded by mutex_
  bool exclusive_ = false;              // guarded by mutex_
};

}  // namespace ferry::datastore
