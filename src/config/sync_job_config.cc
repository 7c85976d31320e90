#include "config/sync_job_config.h"

#include "config/internal/schema_helpers.h"
#include "types/names.h"

namespace ferry::config {
namespace {

using namespace internal;

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

Status validate_group_filter(std::string_view s) {
  FERRY_TRY(types::GroupFilter::parse(s));
  return ok();
}

ConfigFileSpec make_spec() {
  SectionTypeSchema sync;
  sync.type = "sync";
  sync.id_property = "id";
  sync.validate_id = types::validate_job_id;
  sync.properties = {
      required(string_prop("store", types::validate_datastore_name)),
      namespace_prop("ns"),
      string_prop("remote", types::validate_remote_name),
      required(string_prop("remote-store", types::validate_datastore_name)),
      namespace_prop("remote-ns"),
      string_prop("owner", validate_authid),
      bool_prop("remove-vanished"),
      int_prop("max-depth", 0, int64_t(types::BackupNamespace::kMaxDepth)),
      array(string_prop("group-filter", validate_group_filter)),
      int_prop("transfer-last", 1, kMaxInt),
      schedule_prop("schedule"),
      comment_prop(),
      string_prop("rate-in", validate_human_byte),
      string_prop("burst-in", validate_human_byte),
      string_prop("rate-out", validate_human_byte),
      string_prop("burst-out", validate_human_byte),
      string_prop("sync-direction", one_of({"pull", "push"})),
      bool_prop("resync-corrupt"),
      bool_prop("encrypted-only"),
      bool_prop("verified-only"),
      bool_prop("run-on-mount"),
      bool_prop("unmount-on-done"),
      int_prop("worker-threads", 1, 32),
  };
  return ConfigFileSpec{"sync.cfg", ".sync.lck", 0640, {"sync.cfg", {std::move(sync)}}};
}

Result<std::optional<types::BackupNamespace>> get_ns(const Section& s, std::string_view key) {
  FERRY_TRY_ASSIGN(auto text, get_string(s, key));
  if (!text) return std::optional<types::BackupNamespace>();
  FERRY_TRY_ASSIGN(auto ns, types::BackupNamespace::parse(*text));
  return std::optional<types::BackupNamespace>(std::move(ns));
}

Result<std::optional<HumanByte>> get_bytes(const Section& s, std::string_view key) {
  FERRY_TRY_ASSIGN(auto text, get_string(s, key));
  if (!text) return std::optional<HumanByte>();
  FERRY_TRY_ASSIGN(auto bytes, HumanByte::parse(*text));
  return std::optional<HumanByte>(bytes);
}

Status read_optional_fields(const Section& s, SyncJobConfig& j) {
  FERRY_TRY_ASSIGN(j.ns, get_ns(s, "ns"));
  FERRY_TRY_ASSIGN(j.remote, get_string(s, "remote"));
  FERRY_TRY_ASSIGN(j.remote_ns, get_ns(s, "remote-ns"));
  FERRY_TRY_ASSIGN(auto owner, get_string(s, "owner"));
  if (owner) {
    FERRY_TRY_ASSIGN(j.owner, types::Authid::parse(*owner));
  }
  FERRY_TRY_ASSIGN(j.remove_vanished, get_bool(s, "remove-vanished"));
  FERRY_TRY_ASSIGN(auto depth, get_int(s, "max-depth"));
  if (depth) j.max_depth = uint32_t(*depth);
  for (const std::string& f : s.get_all("group-filter")) {
    FERRY_TRY_ASSIGN(auto filter, types::GroupFilter::parse(f));
    j.group_filter.push_back(std::move(filter));
  }
  FERRY_TRY_ASSIGN(auto last, get_int(s, "transfer-last"));
  if (last) j.transfer_last = uint64_t(*last);
  FERRY_TRY_ASSIGN(j.schedule, get_string(s, "schedule"));
  FERRY_TRY_ASSIGN(j.comment, get_string(s, "comment"));
  FERRY_TRY_ASSIGN(j.rate_in, get_bytes(s, "rate-in"));
  FERRY_TRY_ASSIGN(j.burst_in, get_bytes(s, "burst-in"));
  FERRY_TRY_ASSIGN(j.rate_out, get_bytes(s, "rate-out"));
  FERRY_TRY_ASSIGN(j.burst_out, get_bytes(s, "burst-out"));
  return ok();
}

Status read_newer_fields(const Section& s, SyncJobConfig& j) {
  FERRY_TRY_ASSIGN(auto dir, get_string(s, "sync-direction"));
  if (dir) {
    FERRY_TRY_ASSIGN(j.sync_direction, parse_sync_direction(*dir));
  }
  FERRY_TRY_ASSIGN(j.resync_corrupt, get_bool(s, "resync-corrupt"));
  FERRY_TRY_ASSIGN(j.encrypted_only, get_bool(s, "encrypted-only"));
  FERRY_TRY_ASSIGN(j.verified_only, get_bool(s, "verified-only"));
  FERRY_TRY_ASSIGN(j.run_on_mount, get_bool(s, "run-on-mount"));
  FERRY_TRY_ASSIGN(j.unmount_on_done, get_bool(s, "unmount-on-done"));
  FERRY_TRY_ASSIGN(auto threads, get_int(s, "worker-threads"));
  if (threads) j.worker_threads = uint32_t(*threads);
  return ok();
}

void put_bytes(Section& s, const std::string& key, const std::optional<HumanByte>& v) {
  if (v) s.set(key, v->to_string());
}

void put_ns(Section& s, const std::string& key, const std::optional<types::BackupNamespace>& v) {
  // PBS-compat: an explicitly stored root namespace is written as "ns " (empty value).
  if (v) s.set(key, v->to_string());
}

Status check_depth(const std::optional<types::BackupNamespace>& ns, uint32_t max_depth) {
  size_t depth = ns ? ns->depth() : 0;
  if (depth + max_depth > types::BackupNamespace::kMaxDepth) {
    return make_error(Errc::InvalidArgument,
                      "namespace '{}'s depth and recursion depth exceed limit: {} + {} > {}",
                      ns ? ns->to_string() : "", depth, max_depth,
                      types::BackupNamespace::kMaxDepth);
  }
  return ok();
}

}  // namespace

const ConfigFileSpec& sync_config_file() {
  static const ConfigFileSpec spec = make_spec();
  return spec;
}

std::string_view to_string(SyncDirection d) { return d == SyncDirection::Push ? "push" : "pull"; }

Result<SyncDirection> parse_sync_direction(std::string_view s) {
  if (s == "pull") return SyncDirection::Pull;
  if (s == "push") return SyncDirection::Push;
  return make_error(Errc::InvalidArgument, "invalid sync direction '{}': expected pull or push",
                    s);
}

Result<SyncJobConfig> SyncJobConfig::from_section(const Section& section) {
  FERRY_TRY(validate_section(sync_config_file().schema.types.front(), section));
  SyncJobConfig j;
  j.id = section.id;
  FERRY_TRY_ASSIGN(j.store, get_required(section, "store"));
  FERRY_TRY_ASSIGN(j.remote_store, get_required(section, "remote-store"));
  FERRY_TRY(read_optional_fields(section, j));
  FERRY_TRY(read_newer_fields(section, j));
  return j;
}

Section SyncJobConfig::to_section() const {
  Section s{"sync", id, {}};
  s.set("store", store);
  put_ns(s, "ns", ns);
  put(s, "remote", remote);
  s.set("remote-store", remote_store);
  put_ns(s, "remote-ns", remote_ns);
  if (owner) s.set("owner", owner->to_string());
  put_bool(s, "remove-vanished", remove_vanished);
  if (max_depth) put(s, "max-depth", std::optional<int64_t>(*max_depth));
  std::vector<std::string> filters;
  for (const auto& f : group_filter) filters.push_back(f.to_string());
  s.set_all("group-filter", std::move(filters));
  if (transfer_last) put(s, "transfer-last", std::optional<int64_t>(int64_t(*transfer_last)));
  put(s, "schedule", schedule);
  put(s, "comment", comment);
  put_bytes(s, "rate-in", rate_in);
  put_bytes(s, "burst-in", burst_in);
  put_bytes(s, "rate-out", rate_out);
  put_bytes(s, "burst-out", burst_out);
  if (sync_direction) s.set("sync-direction", std::string(to_string(*sync_direction)));
  put_bool(s, "resync-corrupt", resync_corrupt);
  put_bool(s, "encrypted-only", encrypted_only);
  put_bool(s, "verified-only", verified_only);
  put_bool(s, "run-on-mount", run_on_mount);
  put_bool(s, "unmount-on-done", unmount_on_done);
  if (worker_threads) put(s, "worker-threads", std::optional<int64_t>(*worker_threads));
  return s;
}

Status SyncJobConfig::validate() const {
  if (!remote && store == remote_store) {
    return make_error(Errc::InvalidArgument, "source and target datastore can't be the same");
  }
  if (max_depth) {
    FERRY_TRY(check_depth(ns, *max_depth));
    FERRY_TRY(check_depth(remote_ns, *max_depth));
  }
  if (direction() == SyncDirection::Push && resync_corrupt.value_or(false)) {
    return make_error(Errc::InvalidArgument, "resync-corrupt is only supported for pull jobs");
  }
  return ok();
}

}  // namespace ferry::config
