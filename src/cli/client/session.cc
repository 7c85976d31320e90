#include "cli/client/session.h"

#include <cstdlib>

#include <fmt/format.h>

#include "client/fingerprint.h"

namespace ferry::cli::client {

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

Result<Session> Session::resolve(const GlobalOptions& options, const EnvLookup& env) {
  Session session;
  std::optional<std::string> repo_text = options.repository;
  if (!repo_text) repo_text = env(kRepositoryEnv);
  if (!repo_text) {
    return make_error(Errc::InvalidArgument,
                      "no repository given: use --repository or set {}", kRepositoryEnv);
  }
  FERRY_TRY_ASSIGN(session.repository, BackupRepository::parse(*repo_text));

  auto ns = types::BackupNamespace::parse(options.ns);
  if (!ns) {
    return make_error(Errc::InvalidArgument, "invalid namespace '{}': {}", options.ns,
                      ns.error().to_string());
  }
  session.ns = std::move(*ns);
  FERRY_TRY_ASSIGN(session.format, parse_output_format(options.output_format));

  std::optional<std::string> fingerprint = options.fingerprint;
  if (!fingerprint) fingerprint = env(kFingerprintEnv);
  if (fingerprint) {
    FERRY_TRY_ASSIGN(auto normalized, ferry::client::parse_fingerprint(*fingerprint));
    session.fingerprint = std::move(normalized);
  }
  session.secret = env(kPasswordEnv);
  return session;
}

Result<std::unique_ptr<ferry::client::HttpClient>> Session::connect() const {
  if (!secret) {
    return make_error(Errc::InvalidArgument, "no password given: set {}", kPasswordEnv);
  }
  ferry::client::HttpClientOptions options;
  options.host = repository.effective_host();
  options.port = repository.effective_port();
  options.fingerprint = fingerprint;
  options.auth_id = repository.effective_auth_id();
  options.secret = *secret;
  FERRY_TRY_ASSIGN(auto http, ferry::client::HttpClient::create(std::move(options)));
  if (auto st = http->login(); !st) {
    return make_error(st.error().code(), "connect to {}:{} as {}: {}",
                      repository.effective_host(), repository.effective_port(),
                      repository.effective_auth_id().to_string(), st.error().to_string());
  }
  return http;
}

std::string Session::datastore_path() const {
  return "/api2/json/admin/datastore/" + ferry::client::encode_path_component(repository.store);
}

}  // namespace ferry::cli::client
