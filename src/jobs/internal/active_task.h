// ferry::jobs::internal — the state of one running task, shared by its thread, its
// TaskContext and the registry (abort, progress).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "jobs/task_log.h"
#include "jobs/upid.h"

namespace ferry::jobs::internal {

struct ActiveTask {
  ActiveTask(Upid u, std::string text, const Clock& c, TaskLogWriter w)
      : upid(std::move(u)), upid_text(std::move(text)), clock(c), log(std::move(w)) {}

  // Writes one message to the log (whole lines, serialized). The first write error is reported
  // on the daemon log; later ones are dropped silently.
  void write(std::string_view message);

  const Upid upid;
  const std::string upid_text;
  const Clock& clock;

  std::mutex mu;
  TaskLogWriter log;             // guarded by mu
  bool log_error_reported = false;  // guarded by mu

  std::atomic<uint64_t> warnings{0};
  std::atomic<bool> abort_requested{false};
  std::atomic<double> progress{0.0};
};

}  // namespace ferry::jobs::internal
