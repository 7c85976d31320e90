#include "api/admin/datastore_cache.h"

#include "config/config_file.h"

namespace ferry::api {

Result<config::DatastoreConfig> DatastoreCache::config(std::string_view name) const {
  FERRY_TRY_ASSIGN(auto loaded, config::read_config(dir_, config::datastore_config_file()));
  if (const config::Section* section = loaded.data.find(name)) {
    return config::DatastoreConfig::from_section(*section);
  }
  return make_error(Errc::InvalidArgument, "datastore '{}' does not exist", name);
}

Result<std::shared_ptr<datastore::Datastore>> DatastoreCache::lookup(std::string_view name) {
  FERRY_TRY_ASSIGN(auto cfg, config(name));
  if (cfg.maintenance_mode) {
    auto mode = config::parse_maintenance_mode(*cfg.maintenance_mode);
    if (mode && mode->type != config::MaintenanceType::ReadOnly) {
      return make_error(Errc::Unavailable, "datastore '{}' is in maintenance mode '{}'", name,
                        mode->type == config::MaintenanceType::Offline ? "offline" : "delete");
    }
  }
  std::lock_guard guard(mutex_);
  if (auto it = open_.find(name); it != open_.end() && it->second.path == cfg.path) {
    return it->second.store;
  }
  datastore::DatastoreOptions opts;
  opts.lock_dir = lock_dir_;
  opts.clock = clock_;
  FERRY_TRY_ASSIGN(auto opened, datastore::Datastore::open(name, cfg.path, opts));
  std::shared_ptr<datastore::Datastore> store = std::move(opened);
  open_[std::string(name)] = Entry{cfg.path, store};
  return store;
}

}  // namespace ferry::api
