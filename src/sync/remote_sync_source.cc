#include "sync/remote_sync_source.h"

#include "client/backup_reader_client.h"
#include "datastore/data_blob.h"
#include "sync/internal/remote_json.h"

namespace ferry::sync {

using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

namespace {

// The names a snapshot reader serves; anything else never leaves this process.
Status check_file_name(std::string_view name) {
  if (name == datastore::kManifestBlobName || name == datastore::kClientLogBlobName) return ok();
  if (datastore::parse_archive_name(name)) return ok();
  return make_error(Errc::InvalidArgument, "invalid snapshot file name '{}'", name);
}

class RemoteSnapshotReader final : public SnapshotReader {
 public:
  explicit RemoteSnapshotReader(std::unique_ptr<client::BackupReaderClient> reader)
      : reader_(std::move(reader)) {}
  ~RemoteSnapshotReader() override { (void)reader_->close(); }

  Result<Bytes> download(std::string_view file_name) override {
    FERRY_TRY(check_file_name(file_name));
    return reader_->download(file_name);
  }

  std::future<Result<Bytes>> fetch_chunk(const Digest& digest) override {
    return reader_->download_chunk_async(digest);
  }

 private:
  std::unique_ptr<client::BackupReaderClient> reader_;
};

void add_ns(nlohmann::json& params, const char* key, const BackupNamespace& ns) {
  if (!ns.is_root()) params[key] = ns.to_string();
}

}  // namespace

TrafficLimits TrafficLimits::from_job(const config::SyncJobConfig& job) {
  auto bytes = [](const std::optional<HumanByte>& v) { return v ? v->bytes() : uint64_t(0); };
  return {bytes(job.rate_in), bytes(job.burst_in), bytes(job.rate_out), bytes(job.burst_out)};
}

Result<client::HttpClientOptions> remote_client_options(const config::RemoteConfig& remote,
                                                        const TrafficLimits& limits) {
  client::HttpClientOptions o;
  o.host = remote.host;
  o.port = remote.effective_port();
  o.fingerprint = remote.fingerprint;
  o.auth_id = remote.auth_id;
  FERRY_TRY_ASSIGN(o.secret, with_context(remote.decode_password(), "remote '{}'", remote.name));
  o.rate_in = limits.rate_in;
  o.burst_in = limits.burst_in;
  o.rate_out = limits.rate_out;
  o.burst_out = limits.burst_out;
  return o;
}

std::string RemoteSyncSource::api_path(std::string_view leaf) const {
  return "/api2/json/admin/datastore/" + client::encode_path_component(store_) + "/" +
         std::string(leaf);
}

Result<std::optional<std::vector<BackupNamespace>>> RemoteSyncSource::list_namespaces(
    const BackupNamespace& anchor, std::optional<size_t> max_depth) {
  nlohmann::json params = nlohmann::json::object();
  add_ns(params, "parent", anchor);
  if (max_depth) params["max-depth"] = *max_depth;
  auto data = client_.get(api_path("namespace"), params);
  // PBS-compat: a remote older than 2.2 has no namespace API and answers 404 (§3.2).
  if (!data && data.error().code() == Errc::NotFound) {
    return std::optional<std::vector<BackupNamespace>>();
  }
  if (!data) return tl::unexpected(std::move(data).error());
  FERRY_TRY_ASSIGN(auto list, internal::parse_namespace_list(*data));
  return std::optional<std::vector<BackupNamespace>>(std::move(list));
}

Result<std::vector<BackupGroup>> RemoteSyncSource::list_groups(const BackupNamespace& ns) {
  nlohmann::json params = nlohmann::json::object();
  add_ns(params, "ns", ns);
  FERRY_TRY_ASSIGN(auto data, client_.get(api_path("groups"), params));
  return internal::parse_group_list(data);
}

Result<std::vector<SourceSnapshotInfo>> RemoteSyncSource::list_snapshots(const BackupNamespace& ns,
                                                                         const BackupGroup& group) {
  nlohmann::json params = nlohmann::json::object();
  add_ns(params, "ns", ns);
  params["backup-type"] = std::string(types::to_string(group.type()));
  params["backup-id"] = group.id();
  FERRY_TRY_ASSIGN(auto data, client_.get(api_path("snapshots"), params));
  return internal::parse_snapshot_list(data, group);
}

Result<std::unique_ptr<SnapshotReader>> RemoteSyncSource::open_reader(const BackupNamespace& ns,
                                                                      const BackupDir& dir) {
  client::BackupReaderParams params{store_, ns, dir, true, {}};
  auto reader = client::BackupReaderClient::start(client_, params);
  if (!reader) {
    // PBS answers 400 "snapshot … does not exist." for a snapshot that vanished (§7.0).
    if (reader.error().message().find("does not exist") != std::string::npos) {
      return make_error(Errc::NotFound, "{}", reader.error().to_string());
    }
    return tl::unexpected(std::move(reader).error());
  }
  return std::unique_ptr<SnapshotReader>(
      std::make_unique<RemoteSnapshotReader>(std::move(*reader)));
}

}  // namespace ferry::sync
