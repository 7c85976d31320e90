// Keeps a job's state file in step with its config section (jobs-and-schedules.md §3.2–§3.4),
// shared by the sync-job and verify-job service layers so the REST API and ferry-manager take
// the same path.
//
// Private to ferry_api.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config_file.h"
#include "jobs/job_state.h"

namespace ferry::api::internal {

enum class JobConfigEvent { Created, ScheduleChanged, Removed };

// Applies `event` to the state of job `job_type`/`job_id` in `states` (null: nothing to do):
// a new job counts from its creation, a changed schedule from the change (unless the job runs),
// a removed job loses its state and lock file. The config change has already been made, so a
// failure is logged (spdlog warning naming the job), not returned. Blocks (file system).
void update_job_state(const jobs::JobStateStore* states, std::string_view job_type,
                      std::string_view job_id, JobConfigEvent event);

// Removes job `job_id` from its config file `spec` (checking `digest`; NotFound "job '<id>' does
// not exist." in PBS's words) and then its state. Errors: those of config::modify_config.
// Blocks.
Status remove_job(const config::ConfigDir& dir, const config::ConfigFileSpec& spec,
                  const std::optional<std::string>& digest, const jobs::JobStateStore* states,
                  std::string_view job_type, std::string_view job_id);

// Ferry's schedule-change rule (docs/design/sync.md S10): the stored schedule text differs
// before and after the edit — setting, changing or deleting it; an edit that leaves the
// schedule alone (e.g. only the comment) keeps the reference time.
// PBS-compat: unlike PBS 3.2.4 (sync-semantics.md §1.3 item 7), which counts any update
// without `schedule` as a change and ignores a deleted schedule.
// `before`/`after`: the section's `schedule` value, null when unset.
inline bool schedule_changed(const std::string* before, const std::string* after) {
  if (before == nullptr || after == nullptr) return before != after;
  return *before != *after;
}

}  // namespace ferry::api::internal
