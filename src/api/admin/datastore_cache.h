// DatastoreCache: the open Datastore objects of the datastores in datastore.cfg, shared by
// all requests (PBS: lookup_datastore with its process-wide cache).
//
// `lookup(name)` reads datastore.cfg (no lock; writers replace it atomically), and returns the
// cached Datastore when it was opened from the same path, otherwise opens it anew. A datastore
// removed from the configuration, or moved, is therefore never served from a stale entry.
//
// Thread-safe (a mutex guards the map). lookup blocks (config read, open).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "config/datastore_config.h"
#include "datastore/datastore.h"

namespace ferry::api {

// What a caller will do with a datastore; maintenance modes refuse some (PBS's Operation).
enum class DatastoreOperation { Read, Write };

class DatastoreCache {
 public:
  // `lock_dir`: root of the manifest locks (DatastoreOptions::lock_dir). `clock` must outlive
  // the cache.
  DatastoreCache(config::ConfigDir dir, std::filesystem::path lock_dir, const Clock& clock)
      : dir_(std::move(dir)), lock_dir_(std::move(lock_dir)), clock_(&clock) {}

  // The configuration entry of `name`. InvalidArgument "no such datastore '<name>'"
  // (PBS answers 400); Corruption / Io reading datastore.cfg.
  Result<config::DatastoreConfig> config(std::string_view name) const;

  // The open datastore `name`, opened with the sync level of its `tuning` (default
  // filesystem). Errors of config(); InvalidArgument for a bad `tuning`; Unavailable in PBS's
  // words when the maintenance mode refuses `op`: "offline maintenance mode: <message>",
  // "datastore is being deleted", and for Write "read-only maintenance mode: <message>";
  // those of Datastore::open (e.g. NotFound when the directory is gone).
  Result<std::shared_ptr<datastore::Datastore>> lookup(
      std::string_view name, DatastoreOperation op = DatastoreOperation::Read);

 private:
  struct Entry {
    std::string path;
    datastore::SyncLevel sync_level;
    std::shared_ptr<datastore::Datastore> store;
  };

  config::ConfigDir dir_;
  std::filesystem::path lock_dir_;
  const Clock* clock_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> open_;  // guarded by mutex_
};

}  // namespace ferry::api
