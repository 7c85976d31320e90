#include "api/config/remotes.h"

#include <nlohmann/json.hpp>

#include "api/config/internal/section_editor.h"
#include "config/config_file.h"
#include "config/remote_config.h"
#include "config/sync_job_config.h"

namespace ferry::api {
namespace {

using config::ConfigDir;
using config::RemoteConfig;
using config::Section;
using config::SectionConfigData;
using internal::SectionEditor;

const config::SectionTypeSchema& remote_type() {
  return config::remote_config_file().schema.types.front();
}

RemoteInfo to_info(const RemoteConfig& r) {
  return RemoteInfo{r.name, r.host, r.port, r.auth_id.to_string(), r.fingerprint, r.comment};
}

// Applies `props` to `section`, encoding the password. InvalidArgument naming the parameter.
Status apply(const RemoteProperties& props, Section& section) {
  SectionEditor edit(remote_type(), section);
  edit.set("host", props.host);
  edit.set("port", props.port);
  edit.set("auth-id", props.auth_id);
  edit.set("fingerprint", props.fingerprint);
  edit.set_comment(props.comment);
  if (props.password) {
    if (auto st = config::validate_remote_password(*props.password); !st) {
      edit.fail(internal::invalid_parameter("password", st.error().message()).value());
    } else {
      edit.set("password", std::optional<std::string>(
                               RemoteConfig::encode_password(*props.password)));
    }
  }
  return edit.status();
}

// Converts the edited section back through the typed struct, so it is written canonically.
Status store(SectionConfigData& data, const Section& section) {
  FERRY_TRY(internal::check_required(remote_type(), section));
  FERRY_TRY_ASSIGN(RemoteConfig remote, RemoteConfig::from_section(section));
  data.set(remote.to_section());
  return ok();
}

}  // namespace

Result<WithDigest<std::vector<RemoteInfo>>> list_remotes(const ConfigDir& dir,
                                                         const types::Authid& caller) {
  (void)caller;  // privilege filtering (Remote.Audit): issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::remote_config_file()));
  WithDigest<std::vector<RemoteInfo>> out{{}, cfg.digest};
  for (const Section& s : cfg.data.sections()) {
    FERRY_TRY_ASSIGN(RemoteConfig r, RemoteConfig::from_section(s));
    out.data.push_back(to_info(r));
  }
  return out;
}

Result<WithDigest<RemoteInfo>> read_remote(const ConfigDir& dir, const types::Authid& caller,
                                           std::string_view name) {
  (void)caller;  // Remote.Audit on /remote/<name>: issue #4
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::remote_config_file()));
  const Section* s = cfg.data.find(name);
  if (s == nullptr) return make_error(Errc::NotFound, "no such remote '{}'", name);
  FERRY_TRY_ASSIGN(RemoteConfig r, RemoteConfig::from_section(*s));
  return WithDigest<RemoteInfo>{to_info(r), cfg.digest};
}

Status create_remote(const ConfigDir& dir, const types::Authid& caller,
                     const RemoteCreateParams& params) {
  (void)caller;  // Remote.Modify on /remote: issue #4
  FERRY_TRY(internal::check_id(remote_type(), params.name));
  Section section{"remote", params.name, {}};
  FERRY_TRY(apply(params.props, section));
  FERRY_TRY(internal::check_required(remote_type(), section));
  return config::modify_config(
      dir, config::remote_config_file(), std::nullopt, [&](SectionConfigData& data) -> Status {
        if (data.find(params.name) != nullptr) {
          return make_error(Errc::AlreadyExists, "remote '{}' already exists.", params.name);
        }
        return store(data, section);
      });
}

Status update_remote(const ConfigDir& dir, const types::Authid& caller, std::string_view name,
                     const RemoteUpdateParams& params) {
  (void)caller;  // Remote.Modify on /remote/<name>: issue #4
  return config::modify_config(
      dir, config::remote_config_file(), params.digest, [&](SectionConfigData& data) -> Status {
        const Section* existing = data.find(name);
        if (existing == nullptr) return make_error(Errc::NotFound, "no such remote '{}'", name);
        Section section = *existing;
        SectionEditor edit(remote_type(), section);
        edit.remove(params.delete_props, {"comment", "fingerprint", "port"});
        FERRY_TRY(edit.status());
        FERRY_TRY(apply(params.props, section));
        return store(data, section);
      });
}

Status delete_remote(const ConfigDir& dir, const types::Authid& caller, std::string_view name,
                     const std::optional<std::string>& digest) {
  (void)caller;  // Remote.Modify on /remote/<name>: issue #4
  return config::modify_config(
      dir, config::remote_config_file(), digest, [&](SectionConfigData& data) -> Status {
        if (data.find(name) == nullptr) {
          return make_error(Errc::NotFound, "remote '{}' does not exist.", name);
        }
        FERRY_TRY_ASSIGN(auto jobs, config::read_config(dir, config::sync_config_file()));
        for (const Section& job : jobs.data.sections()) {
          const std::string* remote = job.get("remote");
          if (remote != nullptr && *remote == name) {
            const std::string* store = job.get("store");
            return make_error(Errc::Conflict,
                              "remote '{}' is used by sync job '{}' (datastore '{}')", name,
                              job.id, store ? *store : "");
          }
        }
        data.remove(name);
        return ok();
      });
}

nlohmann::json to_json(const RemoteInfo& remote) {
  nlohmann::json out = {{"name", remote.name}, {"host", remote.host}, {"auth-id", remote.auth_id}};
  if (remote.port) out["port"] = *remote.port;
  if (remote.fingerprint) out["fingerprint"] = *remote.fingerprint;
  if (remote.comment) out["comment"] = *remote.comment;
  return out;
}

}  // namespace ferry::api
