#include "api/admin/datastore_cache.h"

#include "config/config_file.h"

namespace ferry::api {

Result<config::DatastoreConfig> DatastoreCache::config(std::string_view name) const {
  FERRY_TRY_ASSIGN(auto loaded, config::read_config(dir_, config::datastore_config_file()));
  if (const config::Section* section = loaded.data.find(name)) {
    return config::DatastoreConfig::from_section(*section);
  }
  // PBS's section-config lookup error (a 400 on the API).
  return make_error(Errc::InvalidArgument, "no such datastore '{}'", name);
}

namespace {

// PBS's MaintenanceMode::check: which operations a maintenance mode refuses, in its words.
Status check_maintenance(const config::DatastoreConfig& cfg, DatastoreOperation op) {
  if (!cfg.maintenance_mode) return ok();
  FERRY_TRY_ASSIGN(auto mode, config::parse_maintenance_mode(*cfg.maintenance_mode));
  const std::string message = mode.message.value_or("");
  switch (mode.type) {
    case config::MaintenanceType::Delete:
      return make_error(Errc::Unavailable, "datastore is being deleted");
    case config::MaintenanceType::Offline:
      return make_error(Errc::Unavailable, "offline maintenance mode: {}", message);
    case config::MaintenanceType::ReadOnly:
      if (op == DatastoreOperation::Write) {
        return make_error(Errc::Unavailable, "read-only maintenance mode: {}", message);
      }
      return ok();
  }
  return ok();
}

datastore::SyncLevel sync_level_of(config::SyncLevel level) {
  switch (level) {
    case config::SyncLevel::None:
      return datastore::SyncLevel::None;
    case config::SyncLevel::File:
      return datastore::SyncLevel::File;
    case config::SyncLevel::Filesystem:
      return datastore::SyncLevel::Filesystem;
  }
  return datastore::SyncLevel::Filesystem;
}

}  // namespace

Result<std::shared_ptr<datastore::Datastore>> DatastoreCache::lookup(std::string_view name,
                                                                     DatastoreOperation op) {
  FERRY_TRY_ASSIGN(auto cfg, config(name));
  FERRY_TRY(with_context(check_maintenance(cfg, op), "datastore '{}'", name));
  FERRY_TRY_ASSIGN(auto tuning, with_context(config::parse_tuning(cfg.tuning),
                                             "datastore '{}': tuning", name));
  std::lock_guard guard(mutex_);
  const datastore::SyncLevel level = sync_level_of(tuning.sync_level);
  if (auto it = open_.find(name);
      it != open_.end() && it->second.path == cfg.path && it->second.sync_level == level) {
    return it->second.store;
  }
  datastore::DatastoreOptions opts;
  opts.lock_dir = lock_dir_;
  opts.clock = clock_;
  opts.sync_level = level;
  FERRY_TRY_ASSIGN(auto opened, datastore::Datastore::open(name, cfg.path, opts));
  std::shared_ptr<datastore::Datastore> store = std::move(opened);
  open_[std::string(name)] = Entry{cfg.path, level, store};
  return store;
}

}  // namespace ferry::api
