#include "types/authid.h"

#include "types/names.h"

namespace ferry::types {
namespace {

bool is_valid_name_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u != 0x7f && c != ':' && c != '/';
}

Status check_total_length(std::string_view text, std::string_view what) {
  if (text.size() < 3 || text.size() > 64) {
    return make_error(Errc::InvalidArgument, "invalid {} '{}': must be 3 to 64 characters", what,
                      text);
  }
  return ok();
}

}  // namespace

Result<Userid> Userid::parse(std::string_view text) {
  FERRY_TRY(check_total_length(text, "userid"));
  size_t at = text.rfind('@');
  if (at == std::string_view::npos) {
    return make_error(Errc::InvalidArgument, "invalid userid '{}': expected <name>@<realm>", text);
  }
  std::string_view name = text.substr(0, at);
  std::string_view realm = text.substr(at + 1);
  if (name.empty()) {
    return make_error(Errc::InvalidArgument, "invalid userid '{}': empty user name", text);
  }
  for (char c : name) {
    if (!is_valid_name_char(c)) {
      return make_error(Errc::InvalidArgument,
                        "invalid userid '{}': user name must not contain whitespace, ':', '/' "
                        "or control characters",
                        text);
    }
  }
  if (auto st = validate_safe_id(realm, "realm", 3, 32); !st) {
    return make_error(Errc::InvalidArgument, "invalid userid '{}': {}", text,
                      st.error().message());
  }
  return Userid(std::string(name), std::string(realm));
}

Result<Authid> Authid::parse(std::string_view text) {
  FERRY_TRY(check_total_length(text, "auth-id"));
  size_t at = text.rfind('@');
  size_t bang = text.rfind('!');
  if (at != std::string_view::npos && bang != std::string_view::npos && bang > at) {
    std::string_view token = text.substr(bang + 1);
    if (auto st = validate_safe_id(token, "token name", 1, 64); !st) {
      return make_error(Errc::InvalidArgument, "invalid auth-id '{}': {}", text,
                        st.error().message());
    }
    FERRY_TRY_ASSIGN(Userid u, Userid::parse(text.substr(0, bang)));
    return Authid(std::move(u), std::string(token));
  }
  FERRY_TRY_ASSIGN(Userid u, Userid::parse(text));
  return Authid(std::move(u), std::nullopt);
}

std::string Authid::to_string() const {
  return token_ ? user_.to_string() + "!" + *token_ : user_.to_string();
}

}  // namespace ferry::types
