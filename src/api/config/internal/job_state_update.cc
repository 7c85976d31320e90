#include "api/config/internal/job_state_update.h"

#include <spdlog/spdlog.h>

namespace ferry::api::internal {

void update_job_state(const jobs::JobStateStore* states, std::string_view job_type,
                      std::string_view job_id, JobConfigEvent event) {
  if (states == nullptr) return;
  Status st = ok();
  switch (event) {
    case JobConfigEvent::Created:
      st = states->create(job_type, job_id);
      break;
    case JobConfigEvent::ScheduleChanged:
      st = states->schedule_changed(job_type, job_id).map([](bool) {});
      break;
    case JobConfigEvent::Removed:
      st = states->remove(job_type, job_id);
      break;
  }
  if (!st) {
    spdlog::warn("{} '{}': updating the job state failed: {}", job_type, job_id,
                 st.error().to_string());
  }
}

Status remove_job(const config::ConfigDir& dir, const config::ConfigFileSpec& spec,
                  const std::optional<std::string>& digest, const jobs::JobStateStore* states,
                  std::string_view job_type, std::string_view job_id) {
  FERRY_TRY(config::modify_config(dir, spec, digest, [&](config::SectionConfigData& data) -> Status {
    if (!data.remove(job_id)) {
      return make_error(Errc::NotFound, "job '{}' does not exist.", job_id);
    }
    return ok();
  }));
  update_job_state(states, job_type, job_id, JobConfigEvent::Removed);
  return ok();
}

}  // namespace ferry::api::internal
