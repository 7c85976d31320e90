#include "datastore/process_locker.h"

#include <spdlog/spdlog.h>

namespace ferry::datastore {
namespace {

FileLock::Options record_lock() { return FileLock::Options{.kind = FileLock::Kind::Record}; }

}  // namespace

std::shared_ptr<ProcessLocker> ProcessLocker::create(std::filesystem::path lock_file,
                                                     const Clock& clock) {
  return std::make_shared<ProcessLocker>(std::move(lock_file), clock);
}

Result<ProcessLocker::SharedGuard> ProcessLocker::try_shared_lock() {
  std::lock_guard guard(mutex_);
  // While this process holds the lock (shared or exclusive), more shared users are free: the
  // record lock is per process, and GC in this process decides itself what it sweeps.
  if (!lock_) {
    auto lock = FileLock::acquire(lock_file_, LockMode::Shared, record_lock());
    if (!lock) {
      if (lock.error().code() == Errc::Conflict) {
        return make_error(Errc::Conflict,
                          "unable to get shared lock on chunk store '{}': locked exclusively by "
                          "another process (garbage collection running?)",
                          lock_file_.string());
      }
      return tl::unexpected(std::move(lock).error());
    }
    lock_ = std::move(*lock);
  }
  uint64_t id = next_id_++;
  shared_[id] = clock_.epoch();
  return SharedGuard(shared_from_this(), id);
}

Result<ProcessLocker::ExclusiveGuard> ProcessLocker::try_exclusive_lock() {
  std::lock_guard guard(mutex_);
  if (exclusive_) {
    return make_error(Errc::Conflict, "chunk store '{}' is already locked exclusively",
                      lock_file_.string());
  }
  Status st;
  if (lock_) {
    st = lock_->change_mode(LockMode::Exclusive, record_lock());
  } else {
    auto lock = FileLock::acquire(lock_file_, LockMode::Exclusive, record_lock());
    if (lock) {
      lock_ = std::move(*lock);
    } else {
      st = tl::unexpected(std::move(lock).error());
    }
  }
  if (!st) {
    if (st.error().code() == Errc::Conflict) {
      return make_error(Errc::Conflict,
                        "unable to get exclusive lock on chunk store '{}': in use by another "
                        "process",
                        lock_file_.string());
    }
    return tl::unexpected(std::move(st).error());
  }
  exclusive_ = true;
  return ExclusiveGuard(shared_from_this());
}

std::optional<int64_t> ProcessLocker::oldest_shared_lock() const {
  std::lock_guard guard(mutex_);
  std::optional<int64_t> oldest;
  for (const auto& [id, start] : shared_) {
    if (!oldest || start < *oldest) oldest = start;
  }
  return oldest;
}

void ProcessLocker::release_shared(uint64_t id) {
  std::lock_guard guard(mutex_);
  shared_.erase(id);
  if (shared_.empty() && !exclusive_) lock_.reset();
}

void ProcessLocker::release_exclusive() {
  std::lock_guard guard(mutex_);
  exclusive_ = false;
  if (shared_.empty()) {
    lock_.reset();
    return;
  }
  // Converting down never conflicts; if it fails anyway, drop the lock rather than keep
  // excluding other processes.
  if (auto st = lock_->change_mode(LockMode::Shared, record_lock()); !st) {
    spdlog::warn("chunk store lock '{}': convert to shared failed: {}", lock_file_.string(),
                 st.error().to_string());
    lock_.reset();
  }
}

ProcessLocker::SharedGuard& ProcessLocker::SharedGuard::operator=(SharedGuard&& o) noexcept {
  if (this != &o) {
    if (locker_) locker_->release_shared(id_);
    locker_ = std::move(o.locker_);
    id_ = o.id_;
  }
  return *this;
}

ProcessLocker::SharedGuard::~SharedGuard() {
  if (locker_) locker_->release_shared(id_);
}

ProcessLocker::ExclusiveGuard& ProcessLocker::ExclusiveGuard::operator=(
    ExclusiveGuard&& o) noexcept {
  if (this != &o) {
    if (locker_) locker_->release_exclusive();
    locker_ = std::move(o.locker_);
  }
  return *this;
}

ProcessLocker::ExclusiveGuard::~ExclusiveGuard() {
  if (locker_) locker_->release_exclusive();
}

}  // namespace ferry::datastore
