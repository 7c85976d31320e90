// GET /nodes/{node}/certificates/info (api.md §5.4): the server certificate, its fingerprint
// included. Needs Sys.Modify on /system/certificates (auth.md §9.7).
#include "api/access/checks.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "http/certificate.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;

Result<json> certificate_info(ApiContext& ctx) {
  const std::filesystem::path pem = ctx.certificate.empty()
                                        ? ctx.config_dir.file(http::kCertificateFileName)
                                        : ctx.certificate;
  FERRY_TRY_ASSIGN(auto info, http::certificate_info(pem));
  json item{{"filename", info.filename},
            {"subject", info.subject},
            {"san", info.san},
            {"issuer", info.issuer},
            {"notbefore", info.notbefore},
            {"notafter", info.notafter},
            {"pem", info.pem},
            {"public-key-type", info.public_key_type},
            {"public-key-bits", info.public_key_bits},
            {"fingerprint", info.fingerprint}};
  return json::array({std::move(item)});
}

}  // namespace

void register_certificate_routes(http::Router& router, ApiContext& ctx) {
  http::Route info;
  info.params = http::ParamSchema{}.add("node", node_param());
  info.permission = require_privs(ctx, "/system/certificates", auth::kPrivSysModify);
  info.handler = [&ctx](http::ApiCall&) { return certificate_info(ctx); };
  router.add(http::Method::Get, "/nodes/{node}/certificates/info", std::move(info));
}

}  // namespace ferry::api::internal
