// JobState values: the JSON of jobs-and-schedules.md §3.2, reference times and status fields.
#include "jobs/job_state.h"

#include <nlohmann/json.hpp>

#include "jobs/calendar_event.h"

namespace ferry::jobs {
namespace {

using ordered_json = nlohmann::ordered_json;
using json = nlohmann::json;

ordered_json task_state_json(const TaskState& s) {
  ordered_json body = ordered_json::object();
  switch (s.kind) {
    case TaskState::Kind::Ok:
      body["endtime"] = s.endtime;
      return {{"OK", body}};
    case TaskState::Kind::Warning:
      body["count"] = s.warnings;
      body["endtime"] = s.endtime;
      return {{"Warning", body}};
    case TaskState::Kind::Error:
      body["message"] = s.message;
      body["endtime"] = s.endtime;
      return {{"Error", body}};
    case TaskState::Kind::Unknown:
      break;
  }
  body["endtime"] = s.endtime;
  return {{"Unknown", body}};
}

// The single key of an externally tagged variant and its value.
Result<std::pair<std::string, const json*>> variant_of(const json& v, std::string_view what) {
  if (!v.is_object() || v.size() != 1) {
    return make_error(Errc::InvalidArgument, "{}: expected an object with one key", what);
  }
  return std::make_pair(v.begin().key(), &v.begin().value());
}

Result<int64_t> int_field(const json& obj, const char* key, std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) {
    return make_error(Errc::InvalidArgument, "{}: '{}' must be an integer", what, key);
  }
  return it->get<int64_t>();
}

Result<std::string> string_field(const json& obj, const char* key, std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    return make_error(Errc::InvalidArgument, "{}: '{}' must be a string", what, key);
  }
  return it->get<std::string>();
}

Result<TaskState> parse_task_state(const json& v) {
  FERRY_TRY_ASSIGN(auto variant, variant_of(v, "finished.state"));
  const auto& [tag, body] = variant;
  if (!body->is_object()) {
    return make_error(Errc::InvalidArgument, "finished.state.{}: expected an object", tag);
  }
  FERRY_TRY_ASSIGN(int64_t end, int_field(*body, "endtime", "finished.state." + tag));
  if (tag == "OK") return TaskState::ok(end);
  if (tag == "Unknown") return TaskState::unknown(end);
  if (tag == "Warning") {
    FERRY_TRY_ASSIGN(int64_t count, int_field(*body, "count", "finished.state.Warning"));
    if (count < 0) return make_error(Errc::InvalidArgument, "finished.state.Warning: bad count");
    return TaskState::warning(uint64_t(count), end);
  }
  if (tag == "Error") {
    FERRY_TRY_ASSIGN(auto msg, string_field(*body, "message", "finished.state.Error"));
    return TaskState::error(std::move(msg), end);
  }
  return make_error(Errc::InvalidArgument, "finished.state: unknown state '{}'", tag);
}

Result<JobState> parse_job_state(const json& v) {
  FERRY_TRY_ASSIGN(auto variant, variant_of(v, "job state"));
  const auto& [tag, body] = variant;
  if (!body->is_object()) return make_error(Errc::InvalidArgument, "{}: expected an object", tag);
  if (tag == "created") {
    FERRY_TRY_ASSIGN(int64_t time, int_field(*body, "time", "created"));
    return JobState::created(time);
  }
  FERRY_TRY_ASSIGN(auto upid, string_field(*body, "upid", tag));
  if (tag == "started") return JobState::started(std::move(upid));
  if (tag != "finished") return make_error(Errc::InvalidArgument, "unknown job state '{}'", tag);
  auto state = body->find("state");
  if (state == body->end()) return make_error(Errc::InvalidArgument, "finished: 'state' missing");
  FERRY_TRY_ASSIGN(auto task_state, parse_task_state(*state));
  std::optional<int64_t> updated;
  if (auto u = body->find("updated"); u != body->end() && !u->is_null()) {
    FERRY_TRY_ASSIGN(updated, int_field(*body, "updated", "finished"));
  }
  return JobState::finished(std::move(upid), std::move(task_state), updated);
}

}  // namespace

std::string JobState::to_json() const {
  ordered_json body = ordered_json::object();
  const char* tag = "created";
  switch (kind) {
    case Kind::Created:
      body["time"] = time;
      break;
    case Kind::Started:
      tag = "started";
      body["upid"] = upid;
      break;
    case Kind::Finished:
      tag = "finished";
      body["upid"] = upid;
      body["state"] = task_state_json(state);
      body["updated"] = updated ? ordered_json(*updated) : ordered_json(nullptr);
      break;
  }
  ordered_json out = ordered_json::object();
  out[tag] = std::move(body);
  // PBS-compat: serde_json's compact form; invalid UTF-8 (never produced by us) is replaced
  // instead of throwing.
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

Result<JobState> JobState::from_json(std::string_view text) {
  json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return make_error(Errc::InvalidArgument, "job state is not valid JSON");
  return parse_job_state(v);
}

Result<int64_t> last_run_time(const JobState& s) {
  if (s.kind == JobState::Kind::Created) return s.time;
  if (s.kind == JobState::Kind::Finished && s.updated) return *s.updated;
  auto upid = Upid::parse(s.upid);
  if (!upid) {
    return make_error(Errc::Corruption, "job state has an invalid UPID: {}",
                      upid.error().message());
  }
  return upid->starttime;
}

JobStatus job_status(const JobState& s, const std::optional<std::string>& schedule) {
  JobStatus out;
  std::optional<int64_t> base;
  switch (s.kind) {
    case JobState::Kind::Created:
      base = s.time;
      break;
    case JobState::Kind::Started:
      out.last_run_upid = s.upid;
      if (auto upid = Upid::parse(s.upid)) base = upid->starttime;
      break;
    case JobState::Kind::Finished:
      out.last_run_upid = s.upid;
      out.last_run_state = s.state.status_string();
      out.last_run_endtime = s.state.endtime;
      base = s.updated.value_or(s.state.endtime);
      break;
  }
  if (!schedule || !base) return out;
  auto event = CalendarEvent::parse(*schedule);
  if (!event) return out;
  if (auto next = event->compute_next_event(*base, false); next && *next) out.next_run = **next;
  return out;
}

}  // namespace ferry::jobs
