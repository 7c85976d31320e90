// JobStateStore and Job: the state files, the job lock and the reading rules of §3.3–§3.4.
#include <spdlog/spdlog.h>

#include "common/fs.h"
#include "jobs/job_state.h"
#include "jobs/task_registry.h"

namespace ferry::jobs {
namespace {

// §3.3: a job without state counts as created this long ago, so an event in the last
// 30 seconds still fires at the next tick.
constexpr int64_t kMissingStateAge = 30;

bool is_safe_id_char(char c, bool first) {
  bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || c == '_' || (!first && (c == '.' || c == '-'));
}

Status check_name(std::string_view name, std::string_view what) {
  bool good = !name.empty() && name.size() <= 128;
  for (size_t i = 0; good && i < name.size(); ++i) good = is_safe_id_char(name[i], i == 0);
  if (!good) return make_error(Errc::InvalidArgument, "invalid job {} '{}'", what, name);
  return ok();
}

Status check_names(std::string_view type, std::string_view id) {
  FERRY_TRY(check_name(type, "type"));
  return check_name(id, "id");
}

Status write_state(const std::filesystem::path& path, const JobState& state) {
  FERRY_TRY(fs::make_dirs(path.parent_path()));
  return with_context(fs::atomic_replace(path, state.to_json(), {.mode = 0644, .fsync = true}),
                      "write job state '{}'", path.string());
}

// §3.3: a started run whose task no longer runs here, as finished with the end state from its
// task log (unknown at the task's start when the log has none). `started.upid` parses.
JobState finished_from_log(const TaskRegistry& tasks, const JobState& started) {
  auto upid = Upid::parse(started.upid);
  auto end = read_task_state_from_log(tasks.log_path(*upid), upid->starttime);
  return JobState::finished(started.upid, end ? *end : TaskState::unknown(upid->starttime));
}

}  // namespace

Status Job::write(const JobState& state) { return write_state(path_, state); }

Status Job::start(const Upid& upid) {
  upid_ = upid.to_string();
  return write(JobState::started(*upid_));
}

Status Job::finish(const TaskState& state) {
  if (!upid_) return make_error(Errc::Internal, "job {}-{} finished before it started",
                                job_type_, job_id_);
  return write(JobState::finished(*upid_, state));
}

std::filesystem::path JobStateStore::state_path(std::string_view type, std::string_view id) const {
  return dir_ / fmt::format("{}-{}.json", type, id);
}

std::filesystem::path JobStateStore::lock_path(std::string_view type, std::string_view id) const {
  return dir_ / fmt::format("{}-{}.lck", type, id);
}

Result<Job> JobStateStore::acquire(std::string_view type, std::string_view id,
                                   std::chrono::milliseconds timeout) const {
  FERRY_TRY(check_names(type, id));
  FERRY_TRY(fs::make_dirs(dir_));
  auto path = lock_path(type, id);
  FileLock::Options opts;
  opts.timeout = timeout;
  opts.create = true;
  auto lock = FileLock::acquire(path, LockMode::Exclusive, opts);
  if (!lock) {
    // PBS-compat: the message keeps PBS's wording and capital letter (§4, sync-test-cases M6).
    return tl::unexpected(Error(lock.error().code(),
                                fmt::format("Unable to acquire lock \"{}\" - {}", path.string(),
                                            lock.error().message())));
  }
  return Job(std::move(*lock), state_path(type, id), std::string(type), std::string(id));
}

Result<JobState> JobStateStore::read_file(const std::filesystem::path& path) const {
  auto text = fs::read_text_file(path, kMaxStateFileSize);
  if (!text && text.error().code() == Errc::NotFound) {
    return JobState::created(clock_.epoch() - kMissingStateAge);
  }
  if (!text && text.error().code() != Errc::InvalidArgument) {
    return tl::unexpected(std::move(text).error());
  }
  Result<JobState> state = text ? JobState::from_json(*text) : tl::unexpected(text.error());
  if (state && state->kind != JobState::Kind::Created && !Upid::parse(state->upid)) {
    state = make_error(Errc::InvalidArgument, "invalid UPID '{}'", state->upid);
  }
  if (state) return state;
  return make_error(Errc::Corruption, "{}", state.error().message());
}

Result<JobState> JobStateStore::read(std::string_view type, std::string_view id) const {
  FERRY_TRY(check_names(type, id));
  auto path = state_path(type, id);
  auto state = read_file(path);
  if (!state && state.error().code() == Errc::Corruption) {
    // PBS ≥ 4.1.8: a corrupt state file is replaced by a fresh "created" (3.2.4 refused to
    // schedule the job until an admin fixed the file). Only with the lock free: a running
    // job writes its own state when it ends.
    JobState fresh = JobState::created(clock_.epoch());
    spdlog::warn("job state '{}' is unreadable ({}): starting over as created", path.string(),
                 state.error().message());
    if (auto job = acquire(type, id, std::chrono::milliseconds(0))) {
      FERRY_TRY(job->write(fresh));
    }
    return fresh;
  }
  if (!state) return with_context(std::move(state), "read job state '{}'", path.string());
  if (state->kind != JobState::Kind::Started) return state;
  auto upid = Upid::parse(state->upid);  // checked by read_file
  if (tasks_.is_active_here(*upid)) return state;
  return finished_from_log(tasks_, *state);
}

Status JobStateStore::create(std::string_view type, std::string_view id) const {
  FERRY_TRY_ASSIGN(auto job, acquire(type, id));
  return job.write(JobState::created(clock_.epoch()));
}

Status JobStateStore::remove(std::string_view type, std::string_view id) const {
  FERRY_TRY(check_names(type, id));
  FERRY_TRY(fs::remove_file(state_path(type, id), true));
  return fs::remove_file(lock_path(type, id), true);
}

Result<bool> JobStateStore::schedule_changed(std::string_view type, std::string_view id,
                                             std::chrono::milliseconds timeout) const {
  auto job = acquire(type, id, timeout);
  if (!job && job.error().code() != Errc::Conflict && job.error().code() != Errc::Timeout) {
    return tl::unexpected(std::move(job).error());
  }
  if (!job) return false;  // running: its end sets the reference anyway
  int64_t now = clock_.epoch();
  auto read = read_file(state_path(type, id));
  if (!read && read.error().code() != Errc::Corruption) return tl::unexpected(read.error());
  JobState state = read ? *read : JobState::created(now);
  switch (state.kind) {
    case JobState::Kind::Started:
      // We hold the lock, which a run keeps until it recorded its end: this run's process
      // died (a crash). Read it as finished (§3.3), as PBS's update does, and reset that.
      state = finished_from_log(tasks_, state);
      state.updated = now;
      break;
    case JobState::Kind::Created:
      state = JobState::created(now);
      break;
    case JobState::Kind::Finished:
      state.updated = now;
      break;
  }
  FERRY_TRY(job->write(state));
  return true;
}

}  // namespace ferry::jobs
