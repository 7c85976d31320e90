#include "api/config/verify_jobs.h"

#include <nlohmann/json.hpp>

#include "api/config/internal/job_state_update.h"
#include "api/config/internal/section_editor.h"
#include "config/config_file.h"
#include "config/datastore_config.h"

namespace ferry::api {
namespace {

using config::ConfigDir;
using config::Section;
using config::SectionConfigData;
using config::VerificationJobConfig;
using internal::JobConfigEvent;
using internal::SectionEditor;

constexpr std::string_view kJobType = "verificationjob";

const config::SectionTypeSchema& verify_type() {
  return config::verification_config_file().schema.types.front();
}

void apply(const VerifyJobProperties& p, SectionEditor& edit) {
  edit.set("store", p.store);
  edit.set("ns", p.ns);
  edit.set("max-depth", p.max_depth);
  edit.set("ignore-verified", p.ignore_verified);
  edit.set("outdated-after", p.outdated_after);
  edit.set_schedule("schedule", p.schedule);
  edit.set_comment(p.comment);
}

Status store(const ConfigDir& dir, SectionConfigData& data, const Section& section,
             bool check_store) {
  FERRY_TRY(internal::check_required(verify_type(), section));
  FERRY_TRY_ASSIGN(VerificationJobConfig job, VerificationJobConfig::from_section(section));
  if (check_store) {
    FERRY_TRY_ASSIGN(auto stores, config::read_config(dir, config::datastore_config_file()));
    if (stores.data.find(job.store) == nullptr) {
      return make_error(Errc::NotFound, "invalid parameter 'store': no such datastore '{}'",
                        job.store);
    }
  }
  data.set(job.to_section());
  return ok();
}

}  // namespace

Result<WithDigest<std::vector<VerificationJobConfig>>> list_verify_jobs(
    const ConfigDir& dir, const types::Authid& caller) {
  (void)caller;  // filtered by Datastore.Audit / Datastore.Verify: issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::verification_config_file()));
  WithDigest<std::vector<VerificationJobConfig>> out{{}, cfg.digest};
  for (const Section& s : cfg.data.sections()) {
    FERRY_TRY_ASSIGN(VerificationJobConfig job, VerificationJobConfig::from_section(s));
    out.data.push_back(std::move(job));
  }
  return out;
}

Result<WithDigest<VerificationJobConfig>> read_verify_job(const ConfigDir& dir,
                                                          const types::Authid& caller,
                                                          std::string_view id) {
  (void)caller;  // issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::verification_config_file()));
  const Section* s = cfg.data.find(id);
  if (s == nullptr) return make_error(Errc::NotFound, "no such verification job '{}'", id);
  FERRY_TRY_ASSIGN(VerificationJobConfig job, VerificationJobConfig::from_section(*s));
  return WithDigest<VerificationJobConfig>{std::move(job), cfg.digest};
}

Status create_verify_job(const ConfigDir& dir, const types::Authid& caller,
                         const VerifyJobCreateParams& params, const jobs::JobStateStore* states) {
  (void)caller;  // issue #4
  FERRY_TRY(internal::check_id(verify_type(), params.id));
  Section section{"verification", params.id, {}};
  SectionEditor edit(verify_type(), section);
  apply(params.props, edit);
  FERRY_TRY(edit.status());
  FERRY_TRY(config::modify_config(
      dir, config::verification_config_file(), std::nullopt,
      [&](SectionConfigData& data) -> Status {
        if (data.find(params.id) != nullptr) {
          return make_error(Errc::AlreadyExists, "job '{}' already exists.", params.id);
        }
        return store(dir, data, section, true);
      }));
  internal::update_job_state(states, kJobType, params.id, JobConfigEvent::Created);
  return ok();
}

Status update_verify_job(const ConfigDir& dir, const types::Authid& caller, std::string_view id,
                         const VerifyJobUpdateParams& params, const jobs::JobStateStore* states) {
  (void)caller;  // issue #4
  bool schedule_changed = false;
  FERRY_TRY(config::modify_config(
      dir, config::verification_config_file(), params.digest,
      [&](SectionConfigData& data) -> Status {
        const Section* existing = data.find(id);
        if (existing == nullptr) {
          return make_error(Errc::NotFound, "no such verification job '{}'", id);
        }
        Section section = *existing;
        SectionEditor edit(verify_type(), section);
        edit.remove(params.delete_props,
                    {"ns", "max-depth", "ignore-verified", "outdated-after", "schedule",
                     "comment"});
        apply(params.props, edit);
        FERRY_TRY(edit.status());
        schedule_changed = internal::schedule_changed(existing->get("schedule"),
                                                      section.get("schedule"));
        return store(dir, data, section, params.props.store.has_value());
      }));
  if (schedule_changed) {
    internal::update_job_state(states, kJobType, id, JobConfigEvent::ScheduleChanged);
  }
  return ok();
}

Status delete_verify_job(const ConfigDir& dir, const types::Authid& caller, std::string_view id,
                         const std::optional<std::string>& digest,
                         const jobs::JobStateStore* states) {
  (void)caller;  // issue #4
  return internal::remove_job(dir, config::verification_config_file(), digest, states, kJobType,
                              id);
}

nlohmann::json to_json(const VerificationJobConfig& job) {
  return internal::section_to_json(verify_type(), job.to_section());
}

}  // namespace ferry::api
