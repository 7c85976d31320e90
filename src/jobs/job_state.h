// ferry::jobs — job state files and the job lock (jobs-and-schedules.md §3–§4).
//
// Every scheduled job (sync, verify, prune, GC, log rotation) has a state file in the job-state
// directory (PBS: /var/lib/proxmox-backup/jobstates), named `{jobtype}-{jobname}.json`, holding
// externally tagged JSON, byte for byte as PBS writes it:
//
//   {"created":{"time":1717582643}}
//   {"started":{"upid":"UPID:..."}}
//   {"finished":{"upid":"UPID:...","state":{"OK":{"endtime":1717582700}},"updated":null}}
//
// with `state` one of {"OK":{"endtime":E}}, {"Warning":{"count":N,"endtime":E}},
// {"Error":{"message":"...","endtime":E}}, {"Unknown":{"endtime":E}}. Files are replaced
// atomically (mode 0644). Next to each is `{jobtype}-{jobname}.lck`, the job lock: an exclusive
// flock held for the whole run — taken before the task starts and moved into it
// (spawn_job_task in job_runner.h) — so a job never runs twice at once.
//
// The scheduler asks for the last-run reference time (last_run_time), the API for the status
// fields (job_status). Reading applies §3.3 (JobStateStore::read).
//
// Thread-safety: JobState is a value. JobStateStore is immutable and may be shared; the file
// system and the flock serialize processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/file_lock.h"
#include "common/result.h"
#include "jobs/task_state.h"
#include "jobs/upid.h"

namespace ferry::jobs {

class TaskRegistry;

struct JobState {
  enum class Kind { Created, Started, Finished };

  Kind kind = Kind::Created;
  int64_t time = 0;               // Created: creation (or schedule-change) time
  std::string upid;               // Started, Finished: the run's task
  TaskState state;                // Finished: how the run ended
  std::optional<int64_t> updated;  // Finished: schedule changed after the run

  static JobState created(int64_t time) { return {Kind::Created, time, {}, {}, std::nullopt}; }
  static JobState started(std::string upid) {
    return {Kind::Started, 0, std::move(upid), {}, std::nullopt};
  }
  static JobState finished(std::string upid, TaskState state,
                           std::optional<int64_t> updated = std::nullopt) {
    return {Kind::Finished, 0, std::move(upid), std::move(state), updated};
  }

  // The JSON text of §3.2, compact, keys in PBS's order, no trailing newline.
  std::string to_json() const;
  // Parses the JSON of §3.2 (any key order and whitespace; a missing `updated` is null).
  // Errors: InvalidArgument naming what is wrong. Pure.
  static Result<JobState> from_json(std::string_view text);

  friend bool operator==(const JobState&, const JobState&) = default;
};

// The scheduler's reference time (§3.3): created → `time`; finished with `updated` →
// `updated`; started, or finished without `updated` → the start time in the UPID.
// Errors: Corruption when the UPID does not parse.
Result<int64_t> last_run_time(const JobState& state);

// The status fields the API adds to a job (§3.5, api.md §5.7).
struct JobStatus {
  std::optional<std::string> last_run_upid;   // started or finished
  std::optional<std::string> last_run_state;  // finished: TaskState::status_string()
  std::optional<int64_t> last_run_endtime;    // finished
  std::optional<int64_t> next_run;            // schedule set, parseable, and an event exists
};

// next-run is the next event after: created → `time`; started → the UPID's start time;
// finished → `updated` if set, else the end time (which differs from the scheduler's start-time
// reference, as in PBS). Pure apart from the time zone.
JobStatus job_status(const JobState& state, const std::optional<std::string>& schedule);

// Holds a job's lock; obtained from JobStateStore::acquire. Move it into the job's task so the
// lock lives as long as the run. Not thread-safe (one owner).
class Job {
 public:
  // Writes `started` with the task's UPID. Errors: Io.
  Status start(const Upid& upid);
  // Writes `finished` for the started run with `state` (updated = null). Errors: Internal
  // (start was not called), Io.
  Status finish(const TaskState& state);

  const std::string& job_type() const { return job_type_; }
  const std::string& job_id() const { return job_id_; }

 private:
  friend class JobStateStore;
  Job(FileLock lock, std::filesystem::path path, std::string type, std::string id)
      : lock_(std::move(lock)), path_(std::move(path)), job_type_(std::move(type)),
        job_id_(std::move(id)) {}
  Status write(const JobState& state);

  FileLock lock_;
  std::filesystem::path path_;
  std::string job_type_;
  std::string job_id_;
  std::optional<std::string> upid_;
};

// The job-state directory.
class JobStateStore {
 public:
  // PBS: the job lock waits at most 10 s (§4).
  static constexpr std::chrono::milliseconds kLockTimeout{10000};
  // Largest state file read; real ones are a few hundred bytes.
  static constexpr uint64_t kMaxStateFileSize = 64 * 1024;

  // `tasks` answers "is this run still going?" and holds the logs that finished-state recovery
  // reads. Both must outlive the store.
  JobStateStore(std::filesystem::path dir, const Clock& clock, const TaskRegistry& tasks)
      : dir_(std::move(dir)), clock_(clock), tasks_(tasks) {}

  // `{dir}/{type}-{id}.json` and `.lck`. Precondition: valid names (see acquire).
  std::filesystem::path state_path(std::string_view job_type, std::string_view job_id) const;
  std::filesystem::path lock_path(std::string_view job_type, std::string_view job_id) const;

  // Takes the job lock, waiting up to `timeout`. Errors: InvalidArgument (type or id not a
  // safe id: [A-Za-z0-9_][A-Za-z0-9._-]*), Timeout/Conflict with the PBS message
  // `Unable to acquire lock "{path}" - {cause}`, Io. Creates the directory and lock file.
  Result<Job> acquire(std::string_view job_type, std::string_view job_id,
                      std::chrono::milliseconds timeout = kLockTimeout) const;

  // The job's state by the reading rules of §3.3:
  //   * no file → created at now − 30 s (not written);
  //   * started, but the task is not running in this process → finished with the end state
  //     recovered from its task log, or unknown at the task's start time when there is no
  //     log (not written);
  //   * unparseable file (bad JSON, bad UPID) → created at now, and the file is overwritten
  //     with it when the job lock is free (the ≥ 4.1.8 behaviour, see docs/design/scheduler.md).
  // Errors: InvalidArgument (names), Io. Blocks (reads files).
  Result<JobState> read(std::string_view job_type, std::string_view job_id) const;

  // A new job: writes created at now (§3.2). Errors: InvalidArgument, Timeout, Io.
  Status create(std::string_view job_type, std::string_view job_id) const;

  // A deleted job: removes the state file and its lock file; missing files are fine.
  Status remove(std::string_view job_type, std::string_view job_id) const;

  // The schedule changed (§3.4): unless the job runs (lock not free within `timeout`),
  // created → created at now, finished → `updated` = now; started with the lock free (the run's
  // process died) → finished as read by §3.3 with `updated` = now. A missing file becomes
  // created at now. Returns whether the state was updated. Errors: InvalidArgument, Io.
  Result<bool> schedule_changed(std::string_view job_type, std::string_view job_id,
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const;

 private:
  Result<JobState> read_file(const std::filesystem::path& path) const;
  const std::filesystem::path dir_;
  const Clock& clock_;
  const TaskRegistry& tasks_;
};

}  // namespace ferry::jobs
