#include "cli/internal/local_api.h"

#include <cstdlib>
#include <filesystem>

#include "api/router_setup.h"
#include "auth/auth_context.h"
#include "auth/csrf.h"
#include "auth/keyring.h"
#include "auth/realms.h"
#include "common/clock.h"
#include "http/params.h"
#include "http/router.h"

namespace ferry::cli::internal {
namespace {

constexpr std::string_view kCaller = "root@pam";

// Form encoding of one name or value: unreserved characters stay, everything else is %XX.
std::string form_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string form_encode(const ApiParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += form_escape(name) + "=" + form_escape(value);
  }
  return out;
}

// Where route-level lock files would go; the access routes never take one, but ApiContext
// needs a directory for its datastore cache.
std::filesystem::path run_dir() {
  const char* v = std::getenv("FERRY_RUN_DIR");
  return std::filesystem::path(v != nullptr && *v != '\0' ? v : "/run/ferry") / "locks";
}

}  // namespace

CLI::Option* ApiOptions::add(const std::string& name, const std::string& help) {
  return cmd_.add_option_function<std::string>(
      "--" + name, [this, name](const std::string& v) { params_.emplace_back(name, v); }, help);
}

CLI::Option* ApiOptions::add_list(const std::string& name, const std::string& help) {
  auto* option = cmd_.add_option_function<std::vector<std::string>>(
      "--" + name,
      [this, name](const std::vector<std::string>& values) {
        for (const auto& v : values) params_.emplace_back(name, v);
      },
      help);
  // One value per occurrence, every occurrence kept.
  option->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return option;
}

CLI::Option* ApiOptions::add_positional(const std::string& name, const std::string& help) {
  return cmd_.add_option(name, positionals_[name], help)->required();
}

LocalApi::LocalApi() = default;
LocalApi::~LocalApi() = default;

Result<std::unique_ptr<LocalApi>> LocalApi::open(const config::ConfigDir& dir) {
  // PBS-compat: the manager needs no ticket key; an in-memory one keeps the config directory
  // untouched (a failed command must not leave new files behind).
  FERRY_TRY_ASSIGN(auto keyring, auth::Keyring::generate_ed25519());
  FERRY_TRY_ASSIGN(auto csrf, auth::CsrfSecret::generate());
  const Clock& clock = SystemClock::instance();
  std::unique_ptr<LocalApi> api(new LocalApi());
  api->auth_ = std::make_unique<auth::AuthContext>(
      dir, std::move(keyring), std::move(csrf), std::make_unique<auth::Realms>(dir), clock);
  api->context_ = std::make_unique<api::ApiContext>(dir, *api->auth_, clock, run_dir());
  api->router_ = std::make_unique<http::Router>();
  api::register_routes(*api->router_, *api->context_);
  return api;
}

Result<ApiResult> LocalApi::call(http::Method method, const std::vector<std::string>& components,
                                 const ApiParams& params) const {
  std::string path = "/api2/json";
  for (const auto& c : components) path += "/" + c;
  const auto match = router_->find(method, components);
  if (!match || match->route == nullptr) {
    return make_error(Errc::Internal, "no API method {} {}", http::method_name(method), path);
  }
  const http::Route& route = *match->route;
  const std::string query = form_encode(params);
  http::ParamSources sources;
  sources.query = query;
  sources.path_params = match->path_params;
  auto decoded = http::decode_params(sources, route.params ? &*route.params : nullptr);
  if (!decoded) {
    return make_error(Errc::InvalidArgument, "{}", http::format_param_errors(decoded.error()));
  }
  http::ApiCall call;
  call.method = method;
  call.path = path;
  call.params = std::move(*decoded);
  call.auth_id = std::string(kCaller);
  if (route.permission) FERRY_TRY(route.permission(call));
  FERRY_TRY_ASSIGN(auto data, route.handler(call));
  return ApiResult{std::move(data), std::move(call.attributes)};
}

}  // namespace ferry::cli::internal
