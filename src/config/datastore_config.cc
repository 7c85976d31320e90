#include "config/datastore_config.h"

#include "config/internal/schema_helpers.h"
#include "common/text.h"
#include "types/names.h"

namespace ferry::config {
namespace {

using namespace internal;

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr const char* kKeepOptions[] = {"keep-last",   "keep-hourly",  "keep-daily",
                                        "keep-weekly", "keep-monthly", "keep-yearly"};

Status validate_maintenance_message(std::string_view s) {
  if (has_control_char(s) || count_code_points(s) > 64) {
    return make_error(Errc::InvalidArgument,
                      "message must be at most 64 characters without control characters");
  }
  return ok();
}

ConfigFileSpec make_spec() {
  SectionTypeSchema ds;
  ds.type = "datastore";
  ds.id_property = "name";
  ds.validate_id = types::validate_datastore_name;
  ds.properties = {
      required(string_prop("path", nullptr, 1, 4096)),
      comment_prop(),
      schedule_prop("gc-schedule"),
      schedule_prop("prune-schedule"),
  };
  for (const char* keep : kKeepOptions) ds.properties.push_back(int_prop(keep, 1, kMaxInt));
  ds.properties.push_back(bool_prop("verify-new"));
  ds.properties.push_back(string_prop("notify-user", validate_userid));
  ds.properties.push_back(string_prop("notify", property_string(&notify_schema())));
  ds.properties.push_back(
      string_prop("notification-mode", one_of({"legacy-sendmail", "notification-system"})));
  ds.properties.push_back(string_prop("tuning", property_string(&tuning_schema())));
  ds.properties.push_back(
      string_prop("maintenance-mode", property_string(&maintenance_mode_schema())));
  return ConfigFileSpec{"datastore.cfg", ".datastore.lck", 0640, {"datastore.cfg", {ds}}};
}

template <typename Config>
auto* keep_field(Config& c, std::string_view key) {
  if (key == "keep-last") return &c.keep_last;
  if (key == "keep-hourly") return &c.keep_hourly;
  if (key == "keep-daily") return &c.keep_daily;
  if (key == "keep-weekly") return &c.keep_weekly;
  if (key == "keep-monthly") return &c.keep_monthly;
  return &c.keep_yearly;
}

}  // namespace

const ConfigFileSpec& datastore_config_file() {
  static const ConfigFileSpec spec = make_spec();
  return spec;
}

std::string_view to_string(NotificationMode m) {
  return m == NotificationMode::NotificationSystem ? "notification-system" : "legacy-sendmail";
}

Result<DatastoreConfig> DatastoreConfig::from_section(const Section& section) {
  FERRY_TRY(validate_section(datastore_config_file().schema.types.front(), section));
  DatastoreConfig c;
  c.name = section.id;
  FERRY_TRY_ASSIGN(c.path, get_required(section, "path"));
  FERRY_TRY_ASSIGN(c.comment, get_string(section, "comment"));
  FERRY_TRY_ASSIGN(c.gc_schedule, get_string(section, "gc-schedule"));
  FERRY_TRY_ASSIGN(c.prune_schedule, get_string(section, "prune-schedule"));
  for (const char* keep : kKeepOptions) {
    FERRY_TRY_ASSIGN(auto n, get_int(section, keep));
    if (n) *keep_field(c, keep) = uint64_t(*n);
  }
  FERRY_TRY_ASSIGN(c.verify_new, get_bool(section, "verify-new"));
  FERRY_TRY_ASSIGN(auto user, get_string(section, "notify-user"));
  if (user) {
    FERRY_TRY_ASSIGN(c.notify_user, types::Userid::parse(*user));
  }
  FERRY_TRY_ASSIGN(c.notify, get_string(section, "notify"));
  FERRY_TRY_ASSIGN(auto mode, get_string(section, "notification-mode"));
  if (mode) {
    c.notification_mode = *mode == "notification-system" ? NotificationMode::NotificationSystem
                                                         : NotificationMode::LegacySendmail;
  }
  FERRY_TRY_ASSIGN(c.tuning, get_string(section, "tuning"));
  FERRY_TRY_ASSIGN(c.maintenance_mode, get_string(section, "maintenance-mode"));
  return c;
}

Section DatastoreConfig::to_section() const {
  Section s{"datastore", name, {}};
  s.set("path", path);
  put(s, "comment", comment);
  put(s, "gc-schedule", gc_schedule);
  put(s, "prune-schedule", prune_schedule);
  for (const char* keep : kKeepOptions) {
    const auto& n = *keep_field(*this, keep);
    if (n) put(s, keep, std::optional<int64_t>(int64_t(*n)));
  }
  put_bool(s, "verify-new", verify_new);
  if (notify_user) s.set("notify-user", notify_user->to_string());
  put(s, "notify", notify);
  if (notification_mode) s.set("notification-mode", std::string(to_string(*notification_mode)));
  put(s, "tuning", tuning);
  put(s, "maintenance-mode", maintenance_mode);
  return s;
}

const PropertyStringSchema& tuning_schema() {
  static const PropertyStringSchema schema{
      "tuning",
      {{"chunk-order", false, one_of({"none", "inode"})},
       {"sync-level", false, one_of({"none", "file", "filesystem"})}},
      std::nullopt};
  return schema;
}

Result<DatastoreTuning> parse_tuning(const std::optional<std::string>& text) {
  DatastoreTuning t;
  if (!text) return t;
  FERRY_TRY_ASSIGN(auto items, parse_property_string(tuning_schema(), *text));
  if (auto order = find_item(items, "chunk-order")) {
    t.chunk_order = *order == "none" ? ChunkOrder::None : ChunkOrder::Inode;
  }
  if (auto level = find_item(items, "sync-level")) {
    t.sync_level = *level == "none"   ? SyncLevel::None
                   : *level == "file" ? SyncLevel::File
                                      : SyncLevel::Filesystem;
  }
  return t;
}

const PropertyStringSchema& maintenance_mode_schema() {
  static const PropertyStringSchema schema{
      "maintenance-mode",
      {{"type", true, one_of({"read-only", "offline", "delete"})},
       {"message", false, validate_maintenance_message}},
      "type"};
  return schema;
}

Result<MaintenanceMode> parse_maintenance_mode(std::string_view text) {
  FERRY_TRY_ASSIGN(auto items, parse_property_string(maintenance_mode_schema(), text));
  MaintenanceMode m;
  std::string type = find_item(items, "type").value_or("read-only");
  m.type = type == "offline"  ? MaintenanceType::Offline
           : type == "delete" ? MaintenanceType::Delete
                              : MaintenanceType::ReadOnly;
  m.message = find_item(items, "message");
  return m;
}

const PropertyStringSchema& notify_schema() {
  static const PropertyStringSchema schema = [] {
    PropertyStringSchema s{"notify", {}, std::nullopt};
    for (const char* key : {"gc", "verify", "sync", "prune"}) {
      s.fields.push_back({key, false, one_of({"always", "never", "error"})});
    }
    return s;
  }();
  return schema;
}

}  // namespace ferry::config
