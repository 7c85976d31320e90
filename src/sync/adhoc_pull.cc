#include "sync/adhoc_pull.h"

#include <utility>

#include "config/section_config.h"

namespace ferry::sync {

namespace {

constexpr std::string_view kAdHocJobId = "pull";

const config::SectionTypeSchema& sync_type() {
  return config::sync_config_file().schema.types.front();
}

// Sets `key` to the canonical form of `value` (InvalidArgument naming the property).
Status set_value(config::Section& section, const std::string& key, std::string_view value) {
  const config::PropertySchema* prop = sync_type().find(key);
  if (prop == nullptr) return make_error(Errc::Internal, "sync.cfg has no property '{}'", key);
  auto canonical = config::canonical_value(*prop, value);
  if (!canonical) {
    return make_error(Errc::InvalidArgument, "invalid parameter '{}': {}", key,
                      canonical.error().message());
  }
  section.properties[key].push_back(std::move(*canonical));
  return ok();
}

Status set_optional(config::Section& section, const std::string& key,
                    const std::optional<std::string>& value) {
  if (!value) return ok();
  return set_value(section, key, *value);
}

Result<config::Section> to_section(const AdHocPullArgs& a) {
  config::Section s;
  s.type = sync_type().type;
  s.id = std::string(kAdHocJobId);
  FERRY_TRY(set_value(s, "store", a.store));
  FERRY_TRY(set_value(s, "remote-store", a.remote_store));
  // The root namespace is "" on the wire; sync.cfg leaves it out.
  if (a.ns && !a.ns->empty()) FERRY_TRY(set_value(s, "ns", *a.ns));
  if (a.remote_ns && !a.remote_ns->empty()) FERRY_TRY(set_value(s, "remote-ns", *a.remote_ns));
  FERRY_TRY(set_optional(s, "remote", a.remote));
  FERRY_TRY(set_optional(s, "owner", a.owner));
  FERRY_TRY(set_optional(s, "remove-vanished", a.remove_vanished));
  FERRY_TRY(set_optional(s, "max-depth", a.max_depth));
  for (const auto& f : a.group_filter) FERRY_TRY(set_value(s, "group-filter", f));
  FERRY_TRY(set_optional(s, "transfer-last", a.transfer_last));
  FERRY_TRY(set_optional(s, "rate-in", a.rate_in));
  FERRY_TRY(set_optional(s, "burst-in", a.burst_in));
  FERRY_TRY(set_optional(s, "rate-out", a.rate_out));
  FERRY_TRY(set_optional(s, "burst-out", a.burst_out));
  FERRY_TRY(set_optional(s, "resync-corrupt", a.resync_corrupt));
  FERRY_TRY(set_optional(s, "encrypted-only", a.encrypted_only));
  FERRY_TRY(set_optional(s, "verified-only", a.verified_only));
  FERRY_TRY(set_optional(s, "worker-threads", a.worker_threads));
  return s;
}

}  // namespace

Result<config::SyncJobConfig> adhoc_pull_job(const AdHocPullArgs& args) {
  FERRY_TRY_ASSIGN(config::Section section, to_section(args));
  FERRY_TRY(config::validate_section(sync_type(), section));
  FERRY_TRY_ASSIGN(config::SyncJobConfig job, config::SyncJobConfig::from_section(section));
  // PBS-compat: the ad-hoc pull's own text, not the job's "source and target datastore can't
  // be the same" (sync-test-cases I7).
  if (!job.remote && job.remote_store == job.store) {
    return make_error(Errc::InvalidArgument, "can't sync to same datastore");
  }
  FERRY_TRY(job.validate());
  return job;
}

}  // namespace ferry::sync
