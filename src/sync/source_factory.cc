#include "sync/source_factory.h"

#include <utility>

#include "client/http_client.h"
#include "config/config_file.h"
#include "config/remote_config.h"
#include "sync/local_sync_source.h"

namespace ferry::sync {

namespace {

// A source plus what it borrows from (an HttpClient, a datastore): the borrowed objects are
// destroyed after the source, whatever order the caller drops things in.
class OwningSource final : public SyncSource {
 public:
  OwningSource(std::shared_ptr<void> keep, std::unique_ptr<SyncSource> inner)
      : keep_(std::move(keep)), inner_(std::move(inner)) {}
  ~OwningSource() override { inner_.reset(); }

  Result<std::optional<std::vector<types::BackupNamespace>>> list_namespaces(
      const types::BackupNamespace& anchor, std::optional<size_t> max_depth) override {
    return inner_->list_namespaces(anchor, max_depth);
  }
  Result<std::vector<types::BackupGroup>> list_groups(const types::BackupNamespace& ns) override {
    return inner_->list_groups(ns);
  }
  Result<std::vector<SourceSnapshotInfo>> list_snapshots(const types::BackupNamespace& ns,
                                                         const types::BackupGroup& group) override {
    return inner_->list_snapshots(ns, group);
  }
  Result<std::unique_ptr<SnapshotReader>> open_reader(const types::BackupNamespace& ns,
                                                      const types::BackupDir& dir) override {
    return inner_->open_reader(ns, dir);
  }

 private:
  std::shared_ptr<void> keep_;
  std::unique_ptr<SyncSource> inner_;
};

Result<std::unique_ptr<SyncSource>> open_remote(const config::ConfigDir& config_dir,
                                                const SyncSourceSpec& spec) {
  const std::string& name = *spec.remote;
  FERRY_TRY_ASSIGN(auto remote, load_remote(config_dir, name));
  FERRY_TRY_ASSIGN(auto options, remote_client_options(remote, spec.limits));
  if (spec.connect_timeout.count() > 0) options.connect_timeout = spec.connect_timeout;
  if (spec.request_timeout.count() > 0) options.request_timeout = spec.request_timeout;
  FERRY_TRY_ASSIGN(auto created, with_context(client::HttpClient::create(std::move(options)),
                                              "remote '{}'", name));
  std::shared_ptr<client::HttpClient> client(std::move(created));
  // Log in now: wrong credentials or an untrusted certificate end the pull before it starts.
  FERRY_TRY(with_context(client->login(), "remote '{}'", name));
  auto source = std::make_unique<RemoteSyncSource>(*client, spec.source_store);
  return std::unique_ptr<SyncSource>(
      std::make_unique<OwningSource>(std::move(client), std::move(source)));
}

Result<std::unique_ptr<SyncSource>> open_local(const SyncSourceSpec& spec,
                                               const DatastoreLookup& datastores) {
  if (!spec.user_info) {
    return make_error(Errc::InvalidArgument, "local sync source '{}': no user information",
                      spec.source_store);
  }
  FERRY_TRY_ASSIGN(std::shared_ptr<datastore::Datastore> store, datastores(spec.source_store));
  auto source = std::make_unique<LocalSyncSource>(*store, spec.user_info, spec.owner);
  return std::unique_ptr<SyncSource>(
      std::make_unique<OwningSource>(std::move(store), std::move(source)));
}

}  // namespace

SyncSourceSpec SyncSourceSpec::from_job(const config::SyncJobConfig& job,
                                        std::shared_ptr<const auth::UserInfo> user_info) {
  SyncSourceSpec spec;
  spec.remote = job.remote;
  spec.source_store = job.remote_store;
  spec.limits = TrafficLimits::from_job(job);
  spec.owner = job.effective_owner();
  spec.user_info = std::move(user_info);
  return spec;
}

Result<config::RemoteConfig> load_remote(const config::ConfigDir& config_dir,
                                         std::string_view name) {
  FERRY_TRY_ASSIGN(auto loaded, config::read_config(config_dir, config::remote_config_file()));
  const config::Section* section = loaded.data.find(name);
  // PBS-compat: the section-config lookup error, "no such remote 'x'" (sync-test-cases I2).
  if (section == nullptr) return make_error(Errc::InvalidArgument, "no such remote '{}'", name);
  return config::RemoteConfig::from_section(*section);
}

Result<std::unique_ptr<SyncSource>> open_sync_source(const config::ConfigDir& config_dir,
                                                     const SyncSourceSpec& spec,
                                                     const DatastoreLookup& datastores) {
  if (spec.remote) return open_remote(config_dir, spec);
  return open_local(spec, datastores);
}

}  // namespace ferry::sync
