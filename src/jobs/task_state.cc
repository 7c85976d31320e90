#include "jobs/task_state.h"

#include <charconv>

#include "common/text.h"

namespace ferry::jobs {
namespace {

// An end state is one line in the task log and in the archive, so line breaks (and other
// control characters) in an error chain become blanks.
std::string one_line(std::string_view text) {
  std::string out = sanitize_utf8(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

}  // namespace

TaskState TaskState::from_result(const Status& result, uint64_t warnings, int64_t endtime) {
  if (!result) return error(one_line(result.error().to_string()), endtime);
  if (warnings > 0) return warning(warnings, endtime);
  return ok(endtime);
}

Result<TaskState> TaskState::parse(std::string_view s, int64_t endtime) {
  if (s == "unknown") return unknown(endtime);
  if (s == "OK") return ok(endtime);
  constexpr std::string_view kWarnings = "WARNINGS: ";
  if (s.substr(0, kWarnings.size()) == kWarnings) {
    std::string_view n = s.substr(kWarnings.size());
    uint64_t count = 0;
    auto [ptr, ec] = std::from_chars(n.data(), n.data() + n.size(), count);
    if (n.empty() || ec != std::errc() || ptr != n.data() + n.size()) {
      return make_error(Errc::InvalidArgument, "invalid task status '{}': bad warning count", s);
    }
    return warning(count, endtime);
  }
  if (s.empty()) return make_error(Errc::InvalidArgument, "invalid task status '': empty");
  constexpr std::string_view kError = "ERROR: ";
  if (s.substr(0, kError.size()) == kError) s.remove_prefix(kError.size());
  return error(std::string(s), endtime);
}

std::string TaskState::status_string() const {
  switch (kind) {
    case Kind::Ok:
      return "OK";
    case Kind::Warning:
      return "WARNINGS: " + std::to_string(warnings);
    case Kind::Error:
      return message;
    case Kind::Unknown:
      break;
  }
  return "unknown";
}

std::string TaskState::result_text() const {
  if (kind == Kind::Error) return "TASK ERROR: " + message;
  return "TASK " + status_string();
}

std::string_view TaskState::kind_name() const {
  switch (kind) {
    case Kind::Ok:
      return "ok";
    case Kind::Warning:
      return "warning";
    case Kind::Error:
      return "error";
    case Kind::Unknown:
      break;
  }
  return "unknown";
}

}  // namespace ferry::jobs
