// Config service layer for remotes: /config/remote (api.md §5.5), over remote.cfg.
//
// These functions are what the REST handlers and `ferry-manager remote ...` call in-process.
// Each takes the config directory and the caller's Authid. Privilege checks (Remote.Audit /
// Remote.Modify on /remote[/<name>]) arrive with issue #4; until then `caller` is accepted and
// ignored (the manager passes root@pam).
//
// Writes follow config_file.h: lock .remote.lck, re-read, check `digest`, validate, replace
// atomically (mode 0640). On any error nothing changes on disk. The stored password is base64
// of the plain one and is never returned: RemoteInfo has no password field.
//
// Validation errors are InvalidArgument and name the parameter and the reason, e.g.
// "invalid parameter 'port': value '70000' is out of range 0..65535". All functions block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/config/with_digest.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "types/authid.h"

namespace ferry::api {

// A remote as the API shows it (no password).
struct RemoteInfo {
  std::string name;
  std::string host;
  std::optional<uint16_t> port;
  std::string auth_id;
  std::optional<std::string> fingerprint;
  std::optional<std::string> comment;
};

// Settable properties; unset fields are left alone (update) or omitted (create).
struct RemoteProperties {
  std::optional<std::string> host;
  std::optional<int64_t> port;          // 0..65535
  std::optional<std::string> auth_id;   // "user@realm" or "user@realm!token"
  std::optional<std::string> password;  // plain text; stored base64-encoded
  std::optional<std::string> fingerprint;
  std::optional<std::string> comment;   // empty or whitespace-only: no comment
};

struct RemoteCreateParams {
  std::string name;
  RemoteProperties props;  // host, auth_id and password are required
};

struct RemoteUpdateParams {
  RemoteProperties props;
  // Properties to unset, applied before `props`: "comment", "fingerprint", "port".
  std::vector<std::string> delete_props;
  std::optional<std::string> digest;
};

// All remotes in file order, with the digest of remote.cfg. Errors: Corruption (garbled
// file), Io / PermissionDenied (unreadable).
Result<WithDigest<std::vector<RemoteInfo>>> list_remotes(const config::ConfigDir& dir,
                                                         const types::Authid& caller);

// One remote. NotFound "no such remote '<name>'"; errors of list_remotes.
Result<WithDigest<RemoteInfo>> read_remote(const config::ConfigDir& dir,
                                           const types::Authid& caller, std::string_view name);

// Adds a remote. InvalidArgument (bad or missing parameter), AlreadyExists
// ("remote '<name>' already exists"), Timeout (lock), Corruption / Io.
Status create_remote(const config::ConfigDir& dir, const types::Authid& caller,
                     const RemoteCreateParams& params);

// Changes a remote. NotFound, InvalidArgument, Conflict (stale digest), Timeout, Io.
Status update_remote(const config::ConfigDir& dir, const types::Authid& caller,
                     std::string_view name, const RemoteUpdateParams& params);

// Removes a remote. NotFound ("remote '<name>' does not exist"), Conflict (stale digest, or
// "remote '<name>' is used by sync job '<id>' (datastore '<store>')"), Timeout, Io.
Status delete_remote(const config::ConfigDir& dir, const types::Authid& caller,
                     std::string_view name, const std::optional<std::string>& digest);

// The API object: {"name", "host", "auth-id", ["port", "fingerprint", "comment"]}.
nlohmann::json to_json(const RemoteInfo& remote);

}  // namespace ferry::api
