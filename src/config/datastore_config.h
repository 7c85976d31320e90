// datastore.cfg: the local datastores (config-format.md §3), the PBS 3.2.4 property set.
//
//   datastore: store1
//   	comment Main store
//   	gc-schedule daily
//   	notification-mode notification-system
//   	path /mnt/datastore/store1
//   	tuning chunk-order=none,sync-level=file
//
// `notify`, `tuning` and `maintenance-mode` are property strings (property_string.h); they are
// stored as given and decoded on demand with the parse_* functions below. Schedules are only
// checked for being a plausible single line here (see sync_job_config.h for why).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "config/config_file.h"
#include "config/property_string.h"
#include "config/section_config.h"
#include "types/authid.h"

namespace ferry::config {

// datastore.cfg: ".datastore.lck", mode 0640, one section type `datastore` (id property `name`).
const ConfigFileSpec& datastore_config_file();

enum class NotificationMode { LegacySendmail, NotificationSystem };
std::string_view to_string(NotificationMode m);  // "legacy-sendmail" / "notification-system"

// One `datastore:` section.
struct DatastoreConfig {
  std::string name;
  std::string path;  // absolute path of the datastore root
  std::optional<std::string> comment;
  std::optional<std::string> gc_schedule;
  std::optional<std::string> prune_schedule;  // legacy per-datastore prune
  std::optional<uint64_t> keep_last;
  std::optional<uint64_t> keep_hourly;
  std::optional<uint64_t> keep_daily;
  std::optional<uint64_t> keep_weekly;
  std::optional<uint64_t> keep_monthly;
  std::optional<uint64_t> keep_yearly;
  std::optional<bool> verify_new;
  std::optional<types::Userid> notify_user;
  std::optional<std::string> notify;            // property string, see notify_schema()
  std::optional<NotificationMode> notification_mode;
  std::optional<std::string> tuning;            // property string, see tuning_schema()
  std::optional<std::string> maintenance_mode;  // property string, see maintenance_mode_schema()

  static Result<DatastoreConfig> from_section(const Section& section);
  Section to_section() const;
};

// `tuning`: chunk-order (none|inode, default inode), sync-level (none|file|filesystem, default
// filesystem).
enum class ChunkOrder { None, Inode };
enum class SyncLevel { None, File, Filesystem };
struct DatastoreTuning {
  ChunkOrder chunk_order = ChunkOrder::Inode;
  SyncLevel sync_level = SyncLevel::Filesystem;
};
const PropertyStringSchema& tuning_schema();
// Decodes a `tuning` value (unset → defaults). InvalidArgument naming the reason.
Result<DatastoreTuning> parse_tuning(const std::optional<std::string>& text);

// `maintenance-mode`: default key `type` (read-only|offline|delete), `message` (no control
// characters, at most 64 characters).
enum class MaintenanceType { ReadOnly, Offline, Delete };
struct MaintenanceMode {
  MaintenanceType type = MaintenanceType::ReadOnly;
  std::optional<std::string> message;
};
const PropertyStringSchema& maintenance_mode_schema();
Result<MaintenanceMode> parse_maintenance_mode(std::string_view text);

// `notify`: gc, verify, sync, prune — each always|never|error.
const PropertyStringSchema& notify_schema();

}  // namespace ferry::config
