#include "auth/acl_config.h"

#include "auth/acl_path.h"
#include "auth/internal/files.h"
#include "auth/roles.h"
#include "auth/user_config.h"
#include "common/fs.h"

namespace ferry::auth {

const config::ConfigFileSpec& acl_config_file() {
  static const config::ConfigFileSpec spec{"acl.cfg", ".acl.lck", 0640, {"acl.cfg", {}}};
  return spec;
}

Result<AclConfigData> AclConfig::read(const config::ConfigDir& dir) {
  const auto path = dir.file(acl_config_file().file_name);
  FERRY_TRY_ASSIGN(auto text, internal::read_optional_file(path));
  const std::string raw = text.value_or("");
  FERRY_TRY_ASSIGN(AclTree tree, AclTree::parse(raw, path.string()));
  return AclConfigData{std::move(tree), config::config_digest(raw)};
}

Result<FileLock> AclConfig::lock(const config::ConfigDir& dir) {
  return config::lock_config(dir, acl_config_file());
}

Status AclConfig::save(const config::ConfigDir& dir, const FileLock& lock, const AclTree& tree) {
  const auto& spec = acl_config_file();
  if (!lock.held()) {
    return make_error(Errc::Internal, "write of {} without holding its lock", spec.file_name);
  }
  fs::ReplaceOptions opts;
  opts.mode = spec.mode;
  const auto path = dir.file(spec.file_name);
  return with_context(fs::atomic_replace(path, tree.to_string(), opts),
                      "write config file '{}'", path.string());
}

Status AclConfig::modify(const config::ConfigDir& dir,
                         const std::optional<std::string>& expected_digest,
                         const std::function<Status(AclTree&)>& edit) {
  FERRY_TRY_ASSIGN(FileLock lock, AclConfig::lock(dir));
  FERRY_TRY_ASSIGN(AclConfigData current, read(dir));
  FERRY_TRY(config::check_digest(acl_config_file(), expected_digest, current.digest));
  FERRY_TRY(edit(current.tree));
  return save(dir, lock, current.tree);
}

Status AclConfig::update(const config::ConfigDir& dir, const AclUpdate& update) {
  if (update.group) {
    return make_error(Errc::InvalidArgument,
                      "parameter 'group' - groups are currently not supported");
  }
  if (!update.auth_id) return make_error(Errc::InvalidArgument, "missing 'userid' parameter");
  if (!find_role(update.role)) {
    return make_error(Errc::InvalidArgument, "invalid role '{}'", update.role);
  }
  const types::Authid& auth_id = *update.auth_id;
  if (!update.remove) {
    FERRY_TRY_ASSIGN(auto users, UserConfig::read(dir));
    const bool exists = auth_id.is_token() ? users.first.find_token(auth_id) != nullptr
                                           : users.first.find_user(auth_id.user()) != nullptr;
    if (!exists) {
      // PBS says "no such user." / "no such API token." without the name; no client depends
      // on the text (it only reaches people), so Ferry names the auth id like its other
      // "no such ..." errors.
      return make_error(Errc::InvalidArgument, "no such {} '{}'",
                        auth_id.is_token() ? "API token" : "user", auth_id.to_string());
    }
    FERRY_TRY(check_acl_path(update.path));
  }
  return modify(dir, update.digest, [&](AclTree& tree) -> Status {
    if (update.remove) {
      tree.delete_user_role(update.path, auth_id, update.role);
      return ok();
    }
    return tree.insert_user_role(update.path, auth_id, update.role, update.propagate);
  });
}

}  // namespace ferry::auth
