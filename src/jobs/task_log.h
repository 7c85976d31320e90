// ferry::jobs — task log files (jobs-and-schedules.md §6, api.md §5.3.5).
//
// Every worker task writes a text log `{log root}/{XX}/{UPID}` (XX = Upid::log_dir_name()):
//
//   2024-06-05T12:17:23+02:00: starting sync job 'j1'
//   2024-06-05T12:17:24+02:00: WARN: group vm/100: snapshot skipped
//   2024-06-05T12:17:30+02:00: TASK WARNINGS: 1
//
// Each line is `{local time, RFC 3339 with numeric offset}: {message}` (UTC renders as
// `+00:00`, never `Z`); the last line of a finished task is its end state
// (TaskState::result_text()). This header has the writer (used by TaskRegistry), the reader
// for the API's paged log view, and the status recovery that reads a task's end state back
// from its log tail.
//
// Nothing here knows where the log root is; paths are parameters.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "jobs/task_state.h"

namespace ferry::jobs {

// `{local RFC 3339}: {message}` (without the newline).
std::string format_task_log_line(int64_t epoch, std::string_view message);

// Prefix of warning lines. PBS-compat: 3.2.4 writes it (since 3.2.8 warnings have none); the
// spec baseline is 3.2.4.
inline constexpr std::string_view kWarnPrefix = "WARN: ";

// Appends lines to one task's log file. Owned by the task; not thread-safe (the TaskContext
// serializes its callers).
class TaskLogWriter {
 public:
  // Creates the log file exclusively (mode 0644), creating its directory (0755) if needed.
  // Errors: AlreadyExists (a log with this name exists), Io, PermissionDenied.
  static Result<TaskLogWriter> create(const std::filesystem::path& path);

  TaskLogWriter(TaskLogWriter&& o) noexcept;
  TaskLogWriter& operator=(TaskLogWriter&& o) noexcept;
  TaskLogWriter(const TaskLogWriter&) = delete;
  TaskLogWriter& operator=(const TaskLogWriter&) = delete;
  ~TaskLogWriter();

  // Writes `message` with the time prefix; a message with line breaks becomes one log line per
  // line, each with the prefix, so every line of the file keeps the line format. One write(2)
  // per call (no fsync). Errors: Io.
  Status write(int64_t epoch, std::string_view message);

  // fdatasync and close; the end-state line is durable afterwards. Errors: Io.
  Status close();

 private:
  explicit TaskLogWriter(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Status recovery (§6): the end state of a task read from the last 8 KiB of its log. The last
// line whose text before the first ": " parses as an RFC 3339 time decides:
//   * its message starts with "TASK " → the state parsed from the rest (TaskState::parse)
//     with that time as end time (an unparseable rest → unknown at that time);
//   * otherwise → unknown, end time = that line's time (the task did not finish);
//   * no such line → unknown, end time = `starttime`.
// Lines that do not parse (a partial last line after a crash, a cut first line) are skipped.
// Errors: NotFound (no log file), Io. Blocks (reads the file).
Result<TaskState> read_task_state_from_log(const std::filesystem::path& path, int64_t starttime);

// Same, for a log tail already in memory (the tested core of read_task_state_from_log).
// `starts_mid_line` says that `tail` does not begin at a line start (its first line is cut).
TaskState task_state_from_log_tail(std::string_view tail, bool starts_mid_line, int64_t starttime);

struct TaskLogLine {
  uint64_t n = 0;    // line number, from 1
  std::string text;  // the whole line (time prefix included), valid UTF-8
};

struct TaskLogPage {
  std::vector<TaskLogLine> lines;
  uint64_t total = 0;  // number of lines in the file
};

// Longest line text returned by read_task_log; longer lines are cut (the line still counts
// once). Bounds the memory of one API response.
inline constexpr size_t kMaxTaskLogLineLength = 64 * 1024;

// The lines of a task log for the API (§5.3.5): lines numbered from 1; lines with number
// `< start` are skipped (so start 0 and 1 are the same); at most `limit` lines are returned,
// `limit` 0 meaning all. `total` counts every line of the file. Invalid UTF-8 is replaced by
// U+FFFD. Errors: NotFound, Io. Blocks (reads the whole file once).
Result<TaskLogPage> read_task_log(const std::filesystem::path& path, uint64_t start,
                                  uint64_t limit);

}  // namespace ferry::jobs
