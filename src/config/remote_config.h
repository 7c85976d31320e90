// remote.cfg: the PBS instances a sync job can pull from or push to (config-format.md §4).
//
//   remote: offsite
//   	auth-id sync@pbs!pull
//   	fingerprint 64:d3:ff:...:5a
//   	host 192.0.2.10
//   	password c2VjcmV0
//   	port 8007
//
// The password (or API-token secret) is stored as standard base64 of its UTF-8 bytes — an
// encoding, not a protection; hence the file mode 0640. It must never be returned by the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "config/config_file.h"
#include "config/section_config.h"
#include "types/authid.h"

namespace ferry::config {

inline constexpr uint16_t kDefaultRemotePort = 8007;
// Longest plain password whose base64 encoding still fits the 1024-character schema limit.
inline constexpr size_t kMaxRemotePasswordBytes = 768;

// remote.cfg: ".remote.lck", mode 0640, one section type `remote` (id property `name`).
const ConfigFileSpec& remote_config_file();

// One `remote:` section. Plain value type.
struct RemoteConfig {
  std::string name;
  std::string host;                 // DNS name, IPv4 or IPv6 (no brackets, no port)
  std::optional<uint16_t> port;     // unset: kDefaultRemotePort
  types::Authid auth_id = types::Authid::root();
  std::string password;             // base64, exactly as stored
  std::optional<std::string> fingerprint;  // SHA-256 of the remote's certificate, "aa:bb:..."
  std::optional<std::string> comment;

  // Converts a section that passed the remote schema. InvalidArgument if it does not.
  static Result<RemoteConfig> from_section(const Section& section);
  // The section PBS would write for this remote (keys sorted on write).
  Section to_section() const;

  uint16_t effective_port() const { return port.value_or(kDefaultRemotePort); }

  // Base64 of the UTF-8 password, as stored.
  static std::string encode_password(std::string_view plain);
  // The plain password. InvalidArgument if the stored text is not base64 or not UTF-8.
  Result<std::string> decode_password() const;
};

// Validates a plain password as the API accepts it: 1..kMaxRemotePasswordBytes bytes, valid
// UTF-8, no control characters. InvalidArgument with the reason (never echoing the password).
Status validate_remote_password(std::string_view plain);

}  // namespace ferry::config
