// Session: the resolved global options of one ferry-client command and the connection they
// describe.
//
// Sources, in order of precedence:
//   repository    --repository, else $PBS_REPOSITORY (required; see repository.h)
//   secret        $PBS_PASSWORD: the password of a user, or the secret of an API token
//   fingerprint   --fingerprint, else $PBS_FINGERPRINT (the server certificate's SHA-256;
//                 without one only certificates the system trusts are accepted)
//   namespace     --ns (default: the root namespace)
//   output        --output-format text|json|json-pretty
//
// Secrets are kept out of every message. Plain value type.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/client/repository.h"
#include "cli/output.h"
#include "client/http_client.h"
#include "common/result.h"
#include "types/backup_namespace.h"

namespace ferry::cli::client {

inline constexpr std::string_view kRepositoryEnv = "PBS_REPOSITORY";
inline constexpr std::string_view kPasswordEnv = "PBS_PASSWORD";
inline constexpr std::string_view kFingerprintEnv = "PBS_FINGERPRINT";

// What the command line gave, before validation.
struct GlobalOptions {
  std::optional<std::string> repository;
  std::optional<std::string> fingerprint;
  std::string ns;
  std::string output_format = "text";
};

// Reads an environment variable; nullopt when unset or empty. A parameter so tests can feed
// their own environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
std::optional<std::string> process_env(std::string_view name);

struct Session {
  BackupRepository repository;
  types::BackupNamespace ns;
  OutputFormat format = OutputFormat::Text;
  std::optional<std::string> fingerprint;
  std::optional<std::string> secret;

  // Validates the options against the environment. InvalidArgument for a missing or malformed
  // repository ("no repository given: use --repository or set PBS_REPOSITORY"), namespace,
  // output format or fingerprint. Pure apart from `env`.
  static Result<Session> resolve(const GlobalOptions& options, const EnvLookup& env);

  // Creates the HTTP client and logs in. InvalidArgument when no secret is available
  // ("no password given: set PBS_PASSWORD"), then the errors of HttpClient::create and
  // HttpClient::login (Unauthenticated, Unavailable, Timeout). Blocks on the network.
  Result<std::unique_ptr<ferry::client::HttpClient>> connect() const;

  // "/api2/json/admin/datastore/<store>" with the store encoded.
  std::string datastore_path() const;
};

}  // namespace ferry::cli::client
