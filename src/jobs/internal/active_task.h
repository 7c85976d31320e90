// ferry::jobs::internal — the state of one running task, shared by its thread, its
// TaskContext and the registry (abort, progress).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
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
  // Sets the abort flag; the first request logs "received abort request ...".
  void request_abort();
  // Cross-process abort (docs/design/jobs.md): at most once per kAbortPollInterval, looks for
  // the marker another process left next to the task log; when there is one, removes it and
  // requests abort. Returns the abort flag.
  bool poll_abort_marker();

  const Upid upid;
  const std::string upid_text;
  const Clock& clock;
  std::filesystem::path abort_marker;  // set before the task is shared; empty: no polling

  std::mutex mu;
  TaskLogWriter log;             // guarded by mu
  bool log_error_reported = false;  // guarded by mu

  std::atomic<uint64_t> warnings{0};
  std::atomic<bool> abort_requested{false};
  std::atomic<int64_t> next_marker_poll_ns{0};  // steady clock
  std::atomic<double> progress{0.0};
};

}  // namespace ferry::jobs::internal
