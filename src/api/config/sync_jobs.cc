#include "api/config/sync_jobs.h"

#include <nlohmann/json.hpp>

#include "api/config/internal/job_state_update.h"
#include "api/config/internal/section_editor.h"
#include "config/config_file.h"
#include "config/datastore_config.h"
#include "config/remote_config.h"

namespace ferry::api {
namespace {

using config::ConfigDir;
using config::Section;
using config::SectionConfigData;
using config::SyncJobConfig;
using internal::JobConfigEvent;
using internal::SectionEditor;

constexpr std::string_view kJobType = "syncjob";

const config::SectionTypeSchema& sync_type() {
  return config::sync_config_file().schema.types.front();
}

const std::vector<std::string>& deletable() {
  static const std::vector<std::string> props = {
      "remote",         "owner",          "comment",       "schedule",     "remove-vanished",
      "group-filter",   "rate-in",        "burst-in",      "rate-out",     "burst-out",
      "ns",             "remote-ns",      "max-depth",     "transfer-last", "sync-direction",
      "resync-corrupt", "encrypted-only", "verified-only", "run-on-mount", "unmount-on-done",
      "worker-threads"};
  return props;
}

void apply(const SyncJobProperties& p, SectionEditor& edit) {
  edit.set("store", p.store);
  edit.set("ns", p.ns);
  edit.set("remote", p.remote);
  edit.set("remote-store", p.remote_store);
  edit.set("remote-ns", p.remote_ns);
  edit.set("owner", p.owner);
  edit.set("remove-vanished", p.remove_vanished);
  edit.set("max-depth", p.max_depth);
  edit.set_array("group-filter", p.group_filter);
  edit.set("transfer-last", p.transfer_last);
  edit.set_schedule("schedule", p.schedule);
  edit.set_comment(p.comment);
  edit.set("rate-in", p.rate_in);
  edit.set("burst-in", p.burst_in);
  edit.set("rate-out", p.rate_out);
  edit.set("burst-out", p.burst_out);
  edit.set("sync-direction", p.sync_direction);
  edit.set("resync-corrupt", p.resync_corrupt);
  edit.set("encrypted-only", p.encrypted_only);
  edit.set("verified-only", p.verified_only);
  edit.set("run-on-mount", p.run_on_mount);
  edit.set("unmount-on-done", p.unmount_on_done);
  edit.set("worker-threads", p.worker_threads);
}

// The remote and the local datastore(s) a job names must exist (NotFound naming them). On
// update only what the request sets is checked, so jobs keep working if edited otherwise.
Status check_references(const ConfigDir& dir, const SyncJobConfig& job,
                        const SyncJobProperties* changed) {
  bool check_remote = job.remote && (!changed || changed->remote);
  bool check_store = !changed || changed->store;
  bool check_local_source = !job.remote && (!changed || changed->remote_store || changed->store);
  if (check_remote) {
    FERRY_TRY_ASSIGN(auto remotes, config::read_config(dir, config::remote_config_file()));
    if (remotes.data.find(*job.remote) == nullptr) {
      return make_error(Errc::NotFound, "invalid parameter 'remote': no such remote '{}'",
                        *job.remote);
    }
  }
  if (!check_store && !check_local_source) return ok();
  FERRY_TRY_ASSIGN(auto stores, config::read_config(dir, config::datastore_config_file()));
  if (check_store && stores.data.find(job.store) == nullptr) {
    return make_error(Errc::NotFound, "invalid parameter 'store': no such datastore '{}'",
                      job.store);
  }
  if (check_local_source && stores.data.find(job.remote_store) == nullptr) {
    return make_error(Errc::NotFound, "invalid parameter 'remote-store': no such datastore '{}'",
                      job.remote_store);
  }
  return ok();
}

// Validates the edited section as a whole and stores its canonical form.
Status store(const ConfigDir& dir, SectionConfigData& data, const Section& section,
             const SyncJobProperties* changed) {
  FERRY_TRY(internal::check_required(sync_type(), section));
  FERRY_TRY_ASSIGN(SyncJobConfig job, SyncJobConfig::from_section(section));
  FERRY_TRY(job.validate());
  FERRY_TRY(check_references(dir, job, changed));
  data.set(job.to_section());
  return ok();
}

bool direction_matches(const SyncJobConfig& job, SyncDirectionFilter filter) {
  if (filter == SyncDirectionFilter::All) return true;
  return (filter == SyncDirectionFilter::Push) == (job.direction() == config::SyncDirection::Push);
}

}  // namespace

Result<WithDigest<std::vector<SyncJobConfig>>> list_sync_jobs(const ConfigDir& dir,
                                                              const types::Authid& caller,
                                                              SyncDirectionFilter direction) {
  (void)caller;  // filtered by "read access" (auth.md §9.3): issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::sync_config_file()));
  WithDigest<std::vector<SyncJobConfig>> out{{}, cfg.digest};
  for (const Section& s : cfg.data.sections()) {
    FERRY_TRY_ASSIGN(SyncJobConfig job, SyncJobConfig::from_section(s));
    if (direction_matches(job, direction)) out.data.push_back(std::move(job));
  }
  return out;
}

Result<WithDigest<SyncJobConfig>> read_sync_job(const ConfigDir& dir, const types::Authid& caller,
                                                std::string_view id) {
  (void)caller;  // "read access": issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::sync_config_file()));
  const Section* s = cfg.data.find(id);
  if (s == nullptr) return make_error(Errc::NotFound, "no such sync job '{}'", id);
  FERRY_TRY_ASSIGN(SyncJobConfig job, SyncJobConfig::from_section(*s));
  return WithDigest<SyncJobConfig>{std::move(job), cfg.digest};
}

Status create_sync_job(const ConfigDir& dir, const types::Authid& caller,
                       const SyncJobCreateParams& params, const jobs::JobStateStore* states) {
  (void)caller;  // "modify access" on the new job: issue #4
  FERRY_TRY(internal::check_id(sync_type(), params.id));
  Section section{"sync", params.id, {}};
  SectionEditor edit(sync_type(), section);
  apply(params.props, edit);
  FERRY_TRY(edit.status());
  FERRY_TRY(config::modify_config(
      dir, config::sync_config_file(), std::nullopt, [&](SectionConfigData& data) -> Status {
        if (data.find(params.id) != nullptr) {
          return make_error(Errc::AlreadyExists, "job '{}' already exists.", params.id);
        }
        return store(dir, data, section, nullptr);
      }));
  internal::update_job_state(states, kJobType, params.id, JobConfigEvent::Created);
  return ok();
}

Status update_sync_job(const ConfigDir& dir, const types::Authid& caller, std::string_view id,
                       const SyncJobUpdateParams& params, const jobs::JobStateStore* states) {
  (void)caller;  // "modify access" on the resulting job: issue #4
  bool schedule_changed = false;
  FERRY_TRY(config::modify_config(
      dir, config::sync_config_file(), params.digest, [&](SectionConfigData& data) -> Status {
        const Section* existing = data.find(id);
        if (existing == nullptr) return make_error(Errc::NotFound, "no such sync job '{}'", id);
        Section section = *existing;
        SectionEditor edit(sync_type(), section);
        edit.remove(params.delete_props, deletable());
        apply(params.props, edit);
        FERRY_TRY(edit.status());
        schedule_changed = internal::schedule_changed(existing->get("schedule"),
                                                      section.get("schedule"));
        return store(dir, data, section, &params.props);
      }));
  if (schedule_changed) {
    internal::update_job_state(states, kJobType, id, JobConfigEvent::ScheduleChanged);
  }
  return ok();
}

Status delete_sync_job(const ConfigDir& dir, const types::Authid& caller, std::string_view id,
                       const std::optional<std::string>& digest,
                       const jobs::JobStateStore* states) {
  (void)caller;  // "modify access": issue #4
  return internal::remove_job(dir, config::sync_config_file(), digest, states, kJobType, id);
}

nlohmann::json to_json(const SyncJobConfig& job) {
  return internal::section_to_json(sync_type(), job.to_section());
}

Result<SyncDirectionFilter> parse_sync_direction_filter(std::string_view text) {
  if (text == "pull") return SyncDirectionFilter::Pull;
  if (text == "push") return SyncDirectionFilter::Push;
  if (text == "all") return SyncDirectionFilter::All;
  return make_error(Errc::InvalidArgument,
                    "parameter verification failed - 'sync-direction': value '{}' is not one of "
                    "pull, push, all",
                    text);
}

}  // namespace ferry::api
