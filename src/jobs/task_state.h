// ferry::jobs — TaskState, the end state of a finished worker task (jobs-and-schedules.md §6,
// api.md §5.3.4).
//
// A finished task is OK, OK with warnings, failed with an error message, or unknown (its state
// could not be read, e.g. the server crashed while it ran). The state appears in four text
// forms, all produced here so they stay consistent:
//
//   form                        OK        warnings          error             unknown
//   ------------------------------------------------------------------------------------
//   status string (API, archive) "OK"     "WARNINGS: 2"     "<message>"       "unknown"
//   task log end line            "TASK OK" "TASK WARNINGS: 2" "TASK ERROR: <m>" "TASK unknown"
//   job state JSON (§3.2)       {"OK":{"endtime":E}} {"Warning":{"count":N,"endtime":E}}
//                               {"Error":{"message":M,"endtime":E}} {"Unknown":{"endtime":E}}
//
// The JSON form lives in job_state.h; this header has the text forms.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::jobs {

struct TaskState {
  enum class Kind { Ok, Warning, Error, Unknown };

  Kind kind = Kind::Unknown;
  int64_t endtime = 0;
  uint64_t warnings = 0;  // Kind::Warning only
  std::string message;    // Kind::Error only

  static TaskState ok(int64_t endtime) { return {Kind::Ok, endtime, 0, {}}; }
  static TaskState warning(uint64_t count, int64_t endtime) {
    return {Kind::Warning, endtime, count, {}};
  }
  static TaskState error(std::string message, int64_t endtime) {
    return {Kind::Error, endtime, 0, std::move(message)};
  }
  static TaskState unknown(int64_t endtime) { return {Kind::Unknown, endtime, 0, {}}; }

  // The end state of a task body's result: an error wins over warnings
  // (Error::to_string(), i.e. with its context chain, made one line: control characters
  // become blanks, invalid UTF-8 becomes U+FFFD), then warnings, then OK.
  static TaskState from_result(const Status& result, uint64_t warnings, int64_t endtime);

  // Parses a status text as PBS does: "unknown", "OK", "WARNINGS: <n>", otherwise an error
  // message (a leading "ERROR: " is removed). InvalidArgument for an empty text or a
  // malformed warning count. Pure.
  static Result<TaskState> parse(std::string_view status, int64_t endtime);

  // "OK", "WARNINGS: 2", the bare error message, or "unknown" (api.md §5.3.4).
  std::string status_string() const;

  // The task log's final message: "TASK OK", "TASK WARNINGS: 2", "TASK ERROR: <message>",
  // "TASK unknown".
  std::string result_text() const;

  // API filter names: "ok", "warning", "error", "unknown".
  std::string_view kind_name() const;

  bool is_success() const { return kind == Kind::Ok || kind == Kind::Warning; }

  friend bool operator==(const TaskState&, const TaskState&) = default;
};

}  // namespace ferry::jobs
