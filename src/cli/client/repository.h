// BackupRepository: where ferry-client talks to — `[[auth-id@]host[:port]:]store`, the
// repository string of proxmox-backup-client (`--repository` or $PBS_REPOSITORY).
//
//   store                               root@pam on localhost:8007
//   backup.example:store                root@pam on backup.example:8007
//   admin@pbs@backup.example:8008:store user admin@pbs, port 8008
//   sync@pbs!client@[2001:db8::1]:store API token sync@pbs!client, IPv6 host in brackets
//
// The auth id is everything before the last '@' of the prefix (a user id itself contains one
// '@'); the host is a DNS name, an IPv4 address or a bracketed IPv6 address; the port is
// 1..65535. The store must be a safe id (datastore names, config-format.md). Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/authid.h"

namespace ferry::cli::client {

inline constexpr std::string_view kDefaultHost = "localhost";
inline constexpr uint16_t kDefaultPort = 8007;

struct BackupRepository {
  std::optional<types::Authid> auth_id;
  std::optional<std::string> host;  // IPv6 without brackets
  std::optional<uint16_t> port;
  std::string store;

  // Parses the repository string. InvalidArgument "invalid repository '<text>': <reason>"
  // for an empty or malformed string, an invalid auth id, host, port or store name. Pure.
  static Result<BackupRepository> parse(std::string_view text);

  // The effective values: root@pam, localhost and 8007 when not given.
  types::Authid effective_auth_id() const;
  std::string effective_host() const { return host.value_or(std::string(kDefaultHost)); }
  uint16_t effective_port() const { return port.value_or(kDefaultPort); }

  // The canonical text form (only the parts that were given; IPv6 hosts bracketed).
  std::string to_string() const;
};

}  // namespace ferry::cli::client
