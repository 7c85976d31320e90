#include "auth/user_config.h"

#include <charconv>

#include "types/names.h"

namespace ferry::auth {
namespace {

using config::PropertyKind;
using config::PropertySchema;
using config::Section;

// `^[[:^cntrl:]]*$`: no ASCII control characters.
Status no_control_chars(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return make_error(Errc::InvalidArgument, "control characters are not allowed");
    }
  }
  return ok();
}

PropertySchema text_prop(std::string name, size_t min_len, size_t max_len) {
  PropertySchema p;
  p.name = std::move(name);
  p.min_length = min_len;
  p.max_length = max_len;
  p.validate = no_control_chars;
  return p;
}

PropertySchema enable_prop() {
  PropertySchema p;
  p.name = "enable";
  p.kind = PropertyKind::Boolean;
  return p;
}

PropertySchema expire_prop() {
  PropertySchema p;
  p.name = "expire";
  p.kind = PropertyKind::Integer;
  p.min = 0;
  return p;
}

Status validate_user_id(std::string_view id) { return types::Userid::parse(id).map([](auto&&) {}); }

Status validate_token_id(std::string_view id) {
  FERRY_TRY_ASSIGN(auto auth_id, types::Authid::parse(id));
  if (!auth_id.is_token()) {
    return make_error(Errc::InvalidArgument, "invalid token id '{}': missing '!<name>'", id);
  }
  return ok();
}

config::SectionConfigSchema make_schema() {
  config::SectionTypeSchema user{"user", "userid", validate_user_id, {}};
  user.properties = {text_prop("comment", 0, 128), enable_prop(),
                     expire_prop(),                text_prop("firstname", 2, 64),
                     text_prop("lastname", 2, 64), text_prop("email", 2, 64)};
  config::SectionTypeSchema token{"token", "tokenid", validate_token_id, {}};
  token.properties = {text_prop("comment", 0, 128), enable_prop(), expire_prop()};
  return {"user.cfg", {std::move(user), std::move(token)}};
}

std::optional<std::string> get(const Section& s, std::string_view key) {
  const std::string* v = s.get(key);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

// Canonical values ("true"/"false", plain decimal) are guaranteed by the schema check.
Result<std::optional<bool>> get_bool(const Section& s, std::string_view key) {
  const std::string* v = s.get(key);
  if (!v) return std::optional<bool>();
  if (*v == "true" || *v == "false") return std::optional<bool>(*v == "true");
  return make_error(Errc::InvalidArgument, "property '{}': '{}' is not a boolean", key, *v);
}

Result<std::optional<int64_t>> get_int(const Section& s, std::string_view key) {
  const std::string* v = s.get(key);
  if (!v) return std::optional<int64_t>();
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size()) {
    return make_error(Errc::InvalidArgument, "property '{}': '{}' is not an integer", key, *v);
  }
  return std::optional<int64_t>(out);
}

void put(Section& s, const std::string& key, const std::optional<std::string>& v) {
  if (v) s.set(key, *v);
}
void put(Section& s, const std::string& key, const std::optional<bool>& v) {
  if (v) s.set(key, *v ? "true" : "false");
}
void put(Section& s, const std::string& key, const std::optional<int64_t>& v) {
  if (v) s.set(key, std::to_string(*v));
}

}  // namespace

const config::ConfigFileSpec& user_config_file() {
  static const config::ConfigFileSpec spec{"user.cfg", ".user.lck", 0640, make_schema()};
  return spec;
}

bool is_active_at(const std::optional<bool>& enable, const std::optional<int64_t>& expire,
                  int64_t now) {
  if (!enable.value_or(true)) return false;
  const int64_t e = expire.value_or(0);
  return e == 0 || e > now;
}

Result<User> User::from_section(const Section& section) {
  User u;
  FERRY_TRY_ASSIGN(u.userid, types::Userid::parse(section.id));
  u.comment = get(section, "comment");
  FERRY_TRY_ASSIGN(u.enable, get_bool(section, "enable"));
  FERRY_TRY_ASSIGN(u.expire, get_int(section, "expire"));
  u.firstname = get(section, "firstname");
  u.lastname = get(section, "lastname");
  u.email = get(section, "email");
  return u;
}

Section User::to_section() const {
  Section s{"user", userid.to_string(), {}};
  put(s, "comment", comment);
  put(s, "enable", enable);
  put(s, "expire", expire);
  put(s, "firstname", firstname);
  put(s, "lastname", lastname);
  put(s, "email", email);
  return s;
}

Result<ApiToken> ApiToken::from_section(const Section& section) {
  ApiToken t;
  FERRY_TRY(validate_token_id(section.id));
  FERRY_TRY_ASSIGN(t.tokenid, types::Authid::parse(section.id));
  t.comment = get(section, "comment");
  FERRY_TRY_ASSIGN(t.enable, get_bool(section, "enable"));
  FERRY_TRY_ASSIGN(t.expire, get_int(section, "expire"));
  return t;
}

Section ApiToken::to_section() const {
  Section s{"token", tokenid.to_string(), {}};
  put(s, "comment", comment);
  put(s, "enable", enable);
  put(s, "expire", expire);
  return s;
}

UserConfig::UserConfig() { ensure_root(); }

void UserConfig::ensure_root() {
  if (data_.find("root@pam")) return;
  User root;
  root.comment = "Superuser";
  (void)set_user(root);
}

Result<UserConfig> UserConfig::parse(std::string_view text) {
  FERRY_TRY_ASSIGN(auto data, config::parse_section_config(user_config_file().schema, text));
  return from_data(std::move(data));
}

Result<UserConfig> UserConfig::from_data(config::SectionConfigData data) {
  UserConfig cfg;
  cfg.data_ = config::SectionConfigData();
  cfg.users_.clear();
  for (const Section& s : data.sections()) {
    if (s.type == "user") {
      FERRY_TRY_ASSIGN(User u, with_context(User::from_section(s), "user '{}'", s.id));
      cfg.users_.insert_or_assign(u.userid, std::move(u));
    } else if (s.type == "token") {
      FERRY_TRY_ASSIGN(ApiToken t, with_context(ApiToken::from_section(s), "token '{}'", s.id));
      cfg.tokens_.insert_or_assign(t.tokenid, std::move(t));
    } else {
      return make_error(Errc::InvalidArgument, "unknown section type '{}' in user.cfg", s.type);
    }
  }
  // Keep the sections exactly as read (values already canonical) for byte-exact rewrites.
  cfg.data_ = std::move(data);
  cfg.ensure_root();
  return cfg;
}

Result<std::string> UserConfig::to_string() const {
  return config::write_section_config(user_config_file().schema, data_);
}

const User* UserConfig::find_user(const types::Userid& userid) const {
  auto it = users_.find(userid);
  return it == users_.end() ? nullptr : &it->second;
}

const ApiToken* UserConfig::find_token(const types::Authid& tokenid) const {
  auto it = tokens_.find(tokenid);
  return it == tokens_.end() ? nullptr : &it->second;
}

std::vector<User> UserConfig::users() const {
  std::vector<User> out;
  for (const Section& s : data_.sections()) {
    if (s.type != "user") continue;
    if (const User* u = find_user(*types::Userid::parse(s.id))) out.push_back(*u);
  }
  return out;
}

std::vector<ApiToken> UserConfig::tokens(const std::optional<types::Userid>& owner) const {
  std::vector<ApiToken> out;
  for (const Section& s : data_.sections()) {
    if (s.type != "token") continue;
    const ApiToken* t = find_token(*types::Authid::parse(s.id));
    if (t && (!owner || t->tokenid.user() == *owner)) out.push_back(*t);
  }
  return out;
}

bool UserConfig::is_active_auth_id(const types::Authid& auth_id, int64_t now) const {
  const User* user = find_user(auth_id.user());
  if (!user || !user->is_active(now)) return false;
  if (!auth_id.is_token()) return true;
  const ApiToken* token = find_token(auth_id);
  return token && token->is_active(now);
}

Status UserConfig::set_user(const User& user) {
  Section s = user.to_section();
  FERRY_TRY(config::validate_section(*user_config_file().schema.find("user"), s));
  data_.set(std::move(s));
  users_.insert_or_assign(user.userid, user);
  return ok();
}

Status UserConfig::set_token(const ApiToken& token) {
  if (!token.tokenid.is_token()) {
    return make_error(Errc::InvalidArgument, "'{}' is not an API token id",
                      token.tokenid.to_string());
  }
  if (!find_user(token.tokenid.user())) {
    return make_error(Errc::InvalidArgument, "user '{}' does not exist",
                      token.tokenid.user().to_string());
  }
  Section s = token.to_section();
  FERRY_TRY(config::validate_section(*user_config_file().schema.find("token"), s));
  data_.set(std::move(s));
  tokens_.insert_or_assign(token.tokenid, token);
  return ok();
}

bool UserConfig::remove_user(const types::Userid& userid) {
  if (users_.erase(userid) == 0) return false;
  data_.remove(userid.to_string());
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    if (it->first.user() == userid) {
      data_.remove(it->first.to_string());
      it = tokens_.erase(it);
    } else {
      ++it;
    }
  }
  return true;
}

bool UserConfig::remove_token(const types::Authid& tokenid) {
  if (tokens_.erase(tokenid) == 0) return false;
  data_.remove(tokenid.to_string());
  return true;
}

Result<std::pair<UserConfig, std::string>> UserConfig::read(const config::ConfigDir& dir) {
  FERRY_TRY_ASSIGN(config::LoadedConfig loaded, config::read_config(dir, user_config_file()));
  FERRY_TRY_ASSIGN(UserConfig cfg, from_data(std::move(loaded.data)));
  return std::make_pair(std::move(cfg), std::move(loaded.digest));
}

Status UserConfig::modify(const config::ConfigDir& dir,
                          const std::optional<std::string>& expected_digest,
                          const std::function<Status(UserConfig&)>& edit) {
  return config::modify_config(dir, user_config_file(), expected_digest,
                               [&](config::SectionConfigData& data) -> Status {
                                 FERRY_TRY_ASSIGN(UserConfig cfg, from_data(std::move(data)));
                                 FERRY_TRY(edit(cfg));
                                 data = cfg.data_;
                                 return ok();
                               });
}

}  // namespace ferry::auth
