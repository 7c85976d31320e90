#include "config/remote_config.h"

#include "common/base64.h"
#include "config/internal/schema_helpers.h"
#include "common/text.h"
#include "types/names.h"

namespace ferry::config {
namespace {

using namespace internal;

ConfigFileSpec make_spec() {
  SectionTypeSchema remote;
  remote.type = "remote";
  remote.id_property = "name";
  remote.validate_id = types::validate_remote_name;
  remote.properties = {
      required(string_prop("host", types::validate_host)),
      int_prop("port", 0, 65535),
      required(string_prop("auth-id", validate_authid)),
      // PBS-compat: the 1..1024 limit applies to the stored (base64) text.
      required(string_prop("password", nullptr, 1, 1024)),
      string_prop("fingerprint", types::validate_fingerprint),
      comment_prop(),
  };
  return ConfigFileSpec{"remote.cfg", ".remote.lck", 0640, {"remote.cfg", {std::move(remote)}}};
}

}  // namespace

const ConfigFileSpec& remote_config_file() {
  static const ConfigFileSpec spec = make_spec();
  return spec;
}

Result<RemoteConfig> RemoteConfig::from_section(const Section& section) {
  FERRY_TRY(validate_section(remote_config_file().schema.types.front(), section));
  RemoteConfig r;
  r.name = section.id;
  FERRY_TRY_ASSIGN(r.host, get_required(section, "host"));
  FERRY_TRY_ASSIGN(auto port, get_int(section, "port"));
  if (port) r.port = uint16_t(*port);
  FERRY_TRY_ASSIGN(auto auth_id, get_required(section, "auth-id"));
  FERRY_TRY_ASSIGN(r.auth_id, types::Authid::parse(auth_id));
  FERRY_TRY_ASSIGN(r.password, get_required(section, "password"));
  FERRY_TRY_ASSIGN(r.fingerprint, get_string(section, "fingerprint"));
  FERRY_TRY_ASSIGN(r.comment, get_string(section, "comment"));
  return r;
}

Section RemoteConfig::to_section() const {
  Section s{"remote", name, {}};
  s.set("host", host);
  if (port) put(s, "port", std::optional<int64_t>(*port));
  s.set("auth-id", auth_id.to_string());
  s.set("password", password);
  put(s, "fingerprint", fingerprint);
  put(s, "comment", comment);
  return s;
}

std::string RemoteConfig::encode_password(std::string_view plain) { return base64_encode(plain); }

Result<std::string> RemoteConfig::decode_password() const {
  auto decoded = base64_decode(password, Base64Padding::Required);
  if (!decoded) {
    return make_error(Errc::InvalidArgument, "remote '{}': stored password is not valid base64",
                      name);
  }
  std::string plain(as_chars(*decoded));
  if (!is_valid_utf8(plain)) {
    return make_error(Errc::InvalidArgument, "remote '{}': stored password is not valid UTF-8",
                      name);
  }
  return plain;
}

Status validate_remote_password(std::string_view plain) {
  if (plain.empty() || plain.size() > kMaxRemotePasswordBytes) {
    return make_error(Errc::InvalidArgument, "password must be 1 to {} bytes long",
                      kMaxRemotePasswordBytes);
  }
  if (!is_valid_utf8(plain)) return make_error(Errc::InvalidArgument, "password is not UTF-8");
  if (has_control_char(plain)) {
    return make_error(Errc::InvalidArgument, "password contains control characters");
  }
  return ok();
}

}  // namespace ferry::config
