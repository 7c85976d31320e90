#include "api/config/datastores.h"

#include <nlohmann/json.hpp>

#include "api/config/internal/section_editor.h"
#include "common/fs.h"
#include "config/config_file.h"
#include "config/sync_job_config.h"
#include "config/verification_job_config.h"
#include "datastore/chunk_store.h"

namespace ferry::api {
namespace {

using config::ConfigDir;
using config::DatastoreConfig;
using config::Section;
using config::SectionConfigData;
using internal::SectionEditor;

const config::SectionTypeSchema& datastore_type() {
  return config::datastore_config_file().schema.types.front();
}

const std::vector<std::string>& deletable() {
  static const std::vector<std::string> props = {
      "comment",      "gc-schedule",  "prune-schedule", "keep-last",   "keep-hourly",
      "keep-daily",   "keep-weekly",  "keep-monthly",   "keep-yearly", "verify-new",
      "notify-user",  "notify",       "notification-mode", "tuning",  "maintenance-mode"};
  return props;
}

void apply(const DatastoreProperties& p, SectionEditor& edit) {
  edit.set_comment(p.comment);
  edit.set_schedule("gc-schedule", p.gc_schedule);
  edit.set_schedule("prune-schedule", p.prune_schedule);
  edit.set("keep-last", p.keep_last);
  edit.set("keep-hourly", p.keep_hourly);
  edit.set("keep-daily", p.keep_daily);
  edit.set("keep-weekly", p.keep_weekly);
  edit.set("keep-monthly", p.keep_monthly);
  edit.set("keep-yearly", p.keep_yearly);
  edit.set("verify-new", p.verify_new);
  edit.set("notify-user", p.notify_user);
  edit.set("notify", p.notify);
  edit.set("notification-mode", p.notification_mode);
  edit.set("tuning", p.tuning);
  edit.set("maintenance-mode", p.maintenance_mode);
}

Result<Section> canonical(const Section& section) {
  FERRY_TRY(internal::check_required(datastore_type(), section));
  FERRY_TRY_ASSIGN(DatastoreConfig store, DatastoreConfig::from_section(section));
  return store.to_section();
}

// Removes the jobs of `file` whose `store` is `name` (locks and writes that file).
Status remove_jobs_of(const ConfigDir& dir, const config::ConfigFileSpec& file,
                      std::string_view name) {
  return config::modify_config(dir, file, std::nullopt, [&](SectionConfigData& data) -> Status {
    std::vector<std::string> ids;
    for (const Section& s : data.sections()) {
      const std::string* store = s.get("store");
      if (store != nullptr && *store == name) ids.push_back(s.id);
    }
    for (const std::string& id : ids) data.remove(id);
    return ok();
  });
}

}  // namespace

Result<WithDigest<std::vector<DatastoreConfig>>> list_datastores(const ConfigDir& dir,
                                                                 const types::Authid& caller) {
  (void)caller;  // filtered by Datastore.Audit: issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::datastore_config_file()));
  WithDigest<std::vector<DatastoreConfig>> out{{}, cfg.digest};
  for (const Section& s : cfg.data.sections()) {
    FERRY_TRY_ASSIGN(DatastoreConfig store, DatastoreConfig::from_section(s));
    out.data.push_back(std::move(store));
  }
  return out;
}

Result<WithDigest<DatastoreConfig>> read_datastore(const ConfigDir& dir,
                                                   const types::Authid& caller,
                                                   std::string_view name) {
  (void)caller;  // Datastore.Audit on /datastore/<name>: issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::datastore_config_file()));
  const Section* s = cfg.data.find(name);
  if (s == nullptr) return make_error(Errc::NotFound, "no such datastore '{}'", name);
  FERRY_TRY_ASSIGN(DatastoreConfig store, DatastoreConfig::from_section(*s));
  return WithDigest<DatastoreConfig>{std::move(store), cfg.digest};
}

Status create_datastore(const ConfigDir& dir, const types::Authid& caller,
                        const DatastoreCreateParams& params) {
  (void)caller;  // Datastore.Allocate on /datastore: issue #4
  FERRY_TRY(internal::check_id(datastore_type(), params.name));
  std::filesystem::path path(params.path);
  if (!path.is_absolute()) {
    return internal::invalid_parameter("path", fmt::format("'{}' is not an absolute path",
                                                           params.path));
  }
  Section section{"datastore", params.name, {}};
  SectionEditor edit(datastore_type(), section);
  edit.set("path", std::optional<std::string>(params.path));
  apply(params.props, edit);
  FERRY_TRY(edit.status());
  FERRY_TRY_ASSIGN(Section store, canonical(section));
  return config::modify_config(
      dir, config::datastore_config_file(), std::nullopt, [&](SectionConfigData& data) -> Status {
        if (data.find(params.name) != nullptr) {
          return make_error(Errc::AlreadyExists, "datastore '{}' already exists.", params.name);
        }
        data.set(store);
        // Everything is validated: only now touch the disk. The chunk store comes first so
        // that a configured datastore always has its layout (as PBS orders it).
        auto created = datastore::ChunkStore::create(params.name, path);
        if (!created) {
          return tl::unexpected(std::move(created.error())
                                    .add_context(fmt::format("create datastore '{}'",
                                                             params.name)));
        }
        return ok();
      });
}

Status update_datastore(const ConfigDir& dir, const types::Authid& caller, std::string_view name,
                        const DatastoreUpdateParams& params) {
  (void)caller;  // Datastore.Modify on /datastore/<name>: issue #4
  return config::modify_config(
      dir, config::datastore_config_file(), params.digest,
      [&](SectionConfigData& data) -> Status {
        const Section* existing = data.find(name);
        if (existing == nullptr) return make_error(Errc::NotFound, "no such datastore '{}'", name);
        Section section = *existing;
        SectionEditor edit(datastore_type(), section);
        edit.remove(params.delete_props, deletable());
        apply(params.props, edit);
        FERRY_TRY(edit.status());
        FERRY_TRY_ASSIGN(Section store, canonical(section));
        data.set(std::move(store));
        return ok();
      });
}

Status delete_datastore(const ConfigDir& dir, const types::Authid& caller, std::string_view name,
                        const DatastoreDeleteParams& params) {
  (void)caller;  // Datastore.Allocate on /datastore/<name>: issue #4
  return config::modify_config(
      dir, config::datastore_config_file(), params.digest,
      [&](SectionConfigData& data) -> Status {
        if (data.find(name) == nullptr) {
          return make_error(Errc::NotFound, "datastore '{}' does not exist.", name);
        }
        if (!params.keep_job_configs) {
          FERRY_TRY(remove_jobs_of(dir, config::sync_config_file(), name));
          FERRY_TRY(remove_jobs_of(dir, config::verification_config_file(), name));
        }
        data.remove(name);
        return ok();
      });
}

nlohmann::json to_json(const DatastoreConfig& store) {
  return internal::section_to_json(datastore_type(), store.to_section());
}

}  // namespace ferry::api
