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

}  // namespace ferry::api::internal
