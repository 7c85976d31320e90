// user.cfg: users and API tokens (config-format.md §8, auth.md §1).
//
//   user: alice@pbs
//   	comment Backup operator
//   	enable true
//   	expire 0
//   	firstname Alice
//
//   token: alice@pbs!backup
//   	comment pve cluster
//   	enable true
//
// A section-config file (config/section_config.h does the text format; this file owns the
// schema and the typed view). Section ids are auth-ids: a `user:` id must be a Userid, a
// `token:` id a token id. Token secrets live in token.shadow (token_shadow.h), passwords of
// `@pbs` users in shadow.json (pbs_authenticator.h).
//
// PBS-compat: root@pam always exists. If the file has no such section, `UserConfig` adds
// `user: root@pam` with `comment Superuser` in memory, after the sections read; it is written
// the next time the file is saved.
//
// "Active" (auth.md §1.3): `enable` is not false and `expire` is 0/absent or later than now. A
// token is active iff its user is active and the token itself is.
//
// Plain values; thread-compatible. File I/O (read/modify) blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config_dir.h"
#include "config/config_file.h"
#include "config/section_config.h"
#include "types/authid.h"

namespace ferry::auth {

// user.cfg: ".user.lck", mode 0640, section types `user` (id `userid`) and `token` (id
// `tokenid`).
const config::ConfigFileSpec& user_config_file();

// Shared by users and tokens: enable/expire semantics of §1.3.
bool is_active_at(const std::optional<bool>& enable, const std::optional<int64_t>& expire,
                  int64_t now);

// One `user:` section.
struct User {
  types::Userid userid = *types::Userid::parse("root@pam");
  std::optional<std::string> comment;
  std::optional<bool> enable;     // unset = true
  std::optional<int64_t> expire;  // epoch seconds; unset or 0 = never
  std::optional<std::string> firstname;
  std::optional<std::string> lastname;
  std::optional<std::string> email;

  bool is_active(int64_t now) const { return is_active_at(enable, expire, now); }

  // From a section that passed the schema. InvalidArgument if it does not convert.
  static Result<User> from_section(const config::Section& section);
  config::Section to_section() const;
};

// One `token:` section.
struct ApiToken {
  types::Authid tokenid = types::Authid::root();  // always a token id when valid
  std::optional<std::string> comment;
  std::optional<bool> enable;
  std::optional<int64_t> expire;

  bool is_active(int64_t now) const { return is_active_at(enable, expire, now); }

  static Result<ApiToken> from_section(const config::Section& section);
  config::Section to_section() const;
};

// The typed content of user.cfg. Keeps the section order of the file so that saving an
// unchanged config reproduces it byte for byte.
class UserConfig {
 public:
  UserConfig();  // just root@pam

  // Parses user.cfg text. Corruption naming file, line and reason (config/section_config.h).
  static Result<UserConfig> parse(std::string_view text);
  // From already parsed section data (adds root@pam if missing). InvalidArgument if a section
  // does not convert.
  static Result<UserConfig> from_data(config::SectionConfigData data);

  // The file text as PBS writes it. InvalidArgument if a value fails the schema.
  Result<std::string> to_string() const;
  const config::SectionConfigData& data() const { return data_; }

  // The entry, or nullptr. Pointers stay valid until the config is modified.
  const User* find_user(const types::Userid& userid) const;
  const ApiToken* find_token(const types::Authid& tokenid) const;
  // All users in file order.
  std::vector<User> users() const;
  // All tokens, or only those of `owner`.
  std::vector<ApiToken> tokens(const std::optional<types::Userid>& owner = std::nullopt) const;

  // Whether `auth_id` may act now (§1.3). Unknown users/tokens are inactive.
  bool is_active_auth_id(const types::Authid& auth_id, int64_t now) const;

  // Inserts or replaces (keeping the position). InvalidArgument if a value fails the schema.
  Status set_user(const User& user);
  // InvalidArgument if `token.tokenid` is not a token or its user does not exist.
  Status set_token(const ApiToken& token);
  // Removes a user together with its tokens; false if there was no such user.
  bool remove_user(const types::Userid& userid);
  bool remove_token(const types::Authid& tokenid);

  // Reads <dir>/user.cfg (missing = only root@pam) with the digest of its bytes. Errors:
  // Corruption, Io, PermissionDenied. Blocks.
  static Result<std::pair<UserConfig, std::string>> read(const config::ConfigDir& dir);
  // lock → read → digest check → `edit` → write (config::modify_config). Blocks.
  static Status modify(const config::ConfigDir& dir,
                       const std::optional<std::string>& expected_digest,
                       const std::function<Status(UserConfig&)>& edit);

 private:
  void ensure_root();

  // The sections (source of file order and of the text) and typed views of them, kept in
  // step by every mutation.
  config::SectionConfigData data_;
  std::map<types::Userid, User> users_;
  std::map<types::Authid, ApiToken> tokens_;
};

}  // namespace ferry::auth
