// The state one pull run shares between its namespace, group and snapshot steps.
#pragma once

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "common/digest.h"
#include "sync/internal/progress.h"
#include "sync/internal/work_pool.h"
#include "sync/namespace_plan.h"
#include "sync/pull.h"

namespace ferry::sync::internal {

// Run-wide state. Thread-safe: group workers share it.
class PullRun {
 public:
  PullRun(const PullParams& params, const PullEnv& env)
      : params_(params),
        env_(env),
        verify_pool_(std::max<size_t>(params.verify_threads, 1),
                     2 * std::max<size_t>(params.verify_threads, 1)) {}

  const PullParams& params() const { return params_; }
  const PullEnv& env() const { return env_; }
  datastore::Datastore& target() const { return env_.target; }
  SyncSource& source() const { return env_.source; }
  WorkPool& verify_pool() { return verify_pool_; }

  // The max-depth in effect (0 after the backwards-compat fallback, §3.2).
  std::optional<size_t> max_depth;

  bool abort_requested() const { return env_.abort && env_.abort->load(); }
  // Cancelled "abort requested - aborting task" once the abort flag is set.
  Status check_abort() const;

  // "/datastore/{target}/{ns…}".
  std::string target_acl_path(const types::BackupNamespace& ns) const;
  // describe_namespace for the source and the target store.
  std::string describe_source(const types::BackupNamespace& ns) const {
    return describe_namespace(params_.source_store, ns);
  }
  std::string describe_target(const types::BackupNamespace& ns) const {
    return describe_namespace(env_.target.name(), ns);
  }

  void add_stats(const PullStats& s) {
    std::lock_guard lock(mutex_);
    stats_.add(s);
  }
  PullStats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  const PullParams& params_;
  const PullEnv& env_;
  WorkPool verify_pool_;
  mutable std::mutex mutex_;
  PullStats stats_;  // guarded by mutex_
};

// Log lines of one group: prefixed with "{group}: " when groups run concurrently, so that
// interleaved lines stay attributable (PBS ≥ 4.1.8 prefixes them too).
class LineLog {
 public:
  LineLog(SyncLog& sink, std::string prefix) : sink_(sink), prefix_(std::move(prefix)) {}
  void log(std::string_view line) const {
    sink_.log(prefix_.empty() ? line : prefix_ + std::string(line));
  }
  template <typename... Args>
  void logf(fmt::format_string<Args...> f, Args&&... args) const {
    log(fmt::format(f, std::forward<Args>(args)...));
  }
  void warn(std::string_view line) const {
    sink_.warn(prefix_.empty() ? line : prefix_ + std::string(line));
  }

 private:
  SyncLog& sink_;
  std::string prefix_;
};

// One group being pulled: owned by the thread that pulls it.
struct GroupPull {
  PullRun& run;
  const NamespaceMapping& ns;
  types::BackupGroup group;
  LineLog log;
  // Chunks already handled for this group in this run (§6.4: de-duplication set per group).
  std::unordered_set<Digest> seen_chunks;
  PullStats stats;
  StoreProgress progress;
  // Set when groups run concurrently: the namespace's count of finished groups (progress lines
  // then name the group instead of a percentage, as PBS ≥ 4.1.8 does).
  const std::atomic<size_t>* groups_done = nullptr;
};

}  // namespace ferry::sync::internal
