// SyncLog: where a pull writes its task-log lines (sync-semantics.md §10).
//
// The engine produces the lines PBS writes, worded as the spec gives them ("sync snapshot
// vm/100/2024-06-01T00:00:00Z", "percentage done: 50.00% (1/2 groups)", ...); the sink adds
// timestamps and counts warnings. The jobs layer adapts its TaskContext to this interface
// (log → TaskContext::log, warn → TaskContext::warn), so sync/ does not depend on jobs/.
//
// Implementations must be thread-safe: with `worker-threads` > 1 several groups log at once
// (each line is delivered whole; lines of one group keep their order).
#pragma once

#include <string_view>

namespace ferry::sync {

class SyncLog {
 public:
  virtual ~SyncLog() = default;
  // One informational line (errors of groups and namespaces are logged as such lines, as PBS
  // does; they fail the job through the pull result, not through the sink).
  virtual void log(std::string_view line) = 0;
  // One warning line; warnings make a successful task end with `TASK WARNINGS: n`.
  virtual void warn(std::string_view line) = 0;
};

}  // namespace ferry::sync
