#include "server/ferryd_routes.h"

#include "http/certificate.h"

namespace ferry::server {
namespace {

using nlohmann::json;

#ifdef FERRY_GIT_COMMIT
constexpr const char* kRepoId = FERRY_GIT_COMMIT;
#else
constexpr const char* kRepoId = "unknown";
#endif

json certificate_json(const http::CertificateInfo& info) {
  return json{
      {"filename", info.filename},
      {"subject", info.subject},
      {"issuer", info.issuer},
      {"notbefore", info.notbefore},
      {"notafter", info.notafter},
      {"san", info.san},
      {"pem", info.pem},
      {"public-key-type", info.public_key_type},
      {"public-key-bits", info.public_key_bits},
      {"fingerprint", info.fingerprint},
  };
}

}  // namespace

void add_ferryd_routes(http::Router& router, const std::filesystem::path& config_dir) {
  http::Route version;
  version.blocking = false;
  version.params = http::ParamSchema();
  version.handler = [](http::ApiCall&) -> Result<json> {
    return json{{"version", kApiVersion}, {"release", kApiRelease}, {"repoid", kRepoId}};
  };
  router.add(http::Method::Get, "/version", std::move(version));

  http::Route ping;
  ping.access = http::Access::World;
  ping.blocking = false;
  ping.params = http::ParamSchema();
  ping.handler = [](http::ApiCall&) -> Result<json> { return json{{"pong", true}}; };
  router.add(http::Method::Get, "/ping", std::move(ping));

  http::Route cert_info;
  cert_info.params = http::ParamSchema().add("node", {});
  cert_info.handler = [pem = config_dir /
                             http::kCertificateFileName](http::ApiCall&) -> Result<json> {
    FERRY_TRY_ASSIGN(auto info, http::certificate_info(pem));
    return json::array({certificate_json(info)});
  };
  router.add(http::Method::Get, "/nodes/{node}/certificates/info", std::move(cert_info));
}

}  // namespace ferry::server
