// ferryd: the Ferry backup server.
//
//   ferryd [--config-dir DIR] [--listen ADDR:PORT]... [--io-threads N] [--log-level LEVEL]
//
// The configuration directory is --config-dir, else $FERRY_CONFIG_DIR, else /etc/ferry; it is
// created if missing, and so is the self-signed certificate in it (proxy.pem/proxy.key, key
// type from $FERRY_CERT_KEY_TYPE: rsa4096 (default), rsa2048 or ec-p256). Without --listen the
// server listens on 0.0.0.0:8007 and [::]:8007. SIGTERM/SIGINT stop it gracefully. Logs go to
// stderr; the startup line names the URL(s) and the certificate fingerprint. Task logs go to
// $FERRY_LOG_DIR (default /var/log/ferry), lock files to $FERRY_RUN_DIR (default /run/ferry),
// job states to $FERRY_STATE_DIR/jobstates (default /var/lib/ferry). The job scheduler runs
// while the server runs; SIGTERM stops it, aborts running tasks and waits for them. Test only:
// $FERRY_SCHEDULER_TICK_MS (100..60000) makes the scheduler tick every N ms instead of every
// minute (docs/design/jobs.md); an invalid value fails the start.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/api_runtime.h"
#include "common/fs.h"
#include "common/log.h"
#include "http/api_service.h"
#include "http/blocking_pool.h"
#include "http/certificate.h"
#include "http/router.h"
#include "http/server.h"
#include "http/tls_context.h"

namespace ferry::server {
namespace {

struct Args {
  std::string config_dir = "/etc/ferry";
  std::vector<std::string> listen;
  size_t io_threads = 2;
  size_t blocking_threads = 4;
  std::string log_level = "info";
};

Result<std::vector<http::ListenAddress>> listen_addresses(const Args& args) {
  if (args.listen.empty()) return http::default_listen_addresses(http::ipv6_available());
  std::vector<http::ListenAddress> out;
  for (const auto& text : args.listen) {
    FERRY_TRY_ASSIGN(auto addr, http::parse_listen_address(text));
    out.push_back(std::move(addr));
  }
  return out;
}

Result<http::CertificateOptions> certificate_options() {
  http::CertificateOptions opts;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') {
    std::string name(host);
    opts.nodename = name.substr(0, name.find('.'));
  }
  std::string domain = http::resolv_conf_domain("/etc/resolv.conf");
  if (!domain.empty()) opts.fqdn = opts.nodename + "." + domain;
  if (const char* type = std::getenv("FERRY_CERT_KEY_TYPE"); type != nullptr && *type != '\0') {
    FERRY_TRY_ASSIGN(opts.key_type, http::parse_key_type(type));
  }
  return opts;
}

// Creates the configuration directory and, on first start, the certificate; loads TLS.
Result<std::shared_ptr<http::TlsContext>> prepare_tls(const std::filesystem::path& dir) {
  FERRY_TRY(with_context(fs::make_dirs(dir, 0750), "create config dir '{}'", dir.string()));
  FERRY_TRY_ASSIGN(auto opts, certificate_options());
  FERRY_TRY_ASSIGN(bool created, http::ensure_certificate(dir, opts));
  if (created) {
    spdlog::info("generated self-signed certificate {} for '{}'",
                 (dir / http::kCertificateFileName).string(),
                 opts.fqdn.empty() ? opts.nodename : opts.fqdn);
  }
  FERRY_TRY_ASSIGN(auto tls, http::TlsContext::load(dir));
  return std::shared_ptr<http::TlsContext>(std::move(tls));
}

void log_startup(const http::Server& server, const http::TlsContext& tls) {
  for (const auto& addr : server.local_addresses()) {
    spdlog::info("ferryd listening on https://{}", addr.to_string());
  }
  spdlog::info("certificate fingerprint (sha256): {}", tls.fingerprint());
}

int fail(const Error& error) {
  spdlog::error("{}", error.to_string());
  return EXIT_FAILURE;
}

int run(const Args& args) {
  auto listen = listen_addresses(args);
  if (!listen) return fail(listen.error());
  std::filesystem::path config_dir(args.config_dir);
  auto tls = prepare_tls(config_dir);
  if (!tls) return fail(tls.error());

  auto runtime_options = api::ApiRuntime::defaults(config_dir);
  auto tick = api::ApiRuntime::scheduler_tick_from_env();  // test only
  if (!tick) return fail(tick.error());
  runtime_options.scheduler_tick = *tick;
  auto api = api::ApiRuntime::open(runtime_options);
  if (!api) return fail(api.error());

  http::BlockingPool pool(args.blocking_threads);
  auto router = std::make_shared<http::Router>();
  http::ApiServiceOptions service_options;
  (*api)->install(*router, service_options);
  auto service = std::make_shared<http::ApiService>(router, pool, service_options);
  // REST plus the backup/reader protocol upgrades (GET /api2/json/backup|reader).
  auto handler = (*api)->make_handler(std::move(service), pool, service_options);

  http::ServerOptions options;
  options.listen = std::move(*listen);
  options.io_threads = args.io_threads;
  auto server = http::Server::create(std::move(options), *tls, handler);
  if (!server) return fail(server.error());
  (*server)->stop_on_signals();
  (*server)->start();
  log_startup(**server, **tls);
  (*api)->start_scheduler();  // sync and verify jobs run on their schedules from now on
  (*server)->wait();
  (*api)->stop_scheduler();
  spdlog::info("ferryd stopped");
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace ferry::server

int main(int argc, char** argv) {
  CLI::App app{"ferryd - Ferry backup server (Proxmox Backup Server compatible)"};
  ferry::server::Args args;
  app.add_option("--config-dir", args.config_dir, "configuration directory")
      ->envname("FERRY_CONFIG_DIR")
      ->capture_default_str();
  app.add_option("--listen", args.listen,
                 "listen address ADDR:PORT, repeatable (default 0.0.0.0:8007 and [::]:8007)");
  app.add_option("--io-threads", args.io_threads, "threads serving connections")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--log-level", args.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ferry::init_logging(args.log_level);
  ::signal(SIGPIPE, SIG_IGN);  // a peer closing mid-write is an error code, not a death
  return ferry::server::run(args);
}
