// `ferry-manager cert info`: describes the server certificate (<config-dir>/proxy.pem), most
// importantly its SHA-256 fingerprint, which the administrator of another server enters
// as `--fingerprint` of `remote create`:
//
//   Subject: O = Proxmox Backup Server, OU = ..., CN = pbs1
//       DNS:localhost
//   Issuer: O = Proxmox Backup Server, OU = ..., CN = pbs1
//   Validity:
//       Not Before: 2024-06-05T14:24:36Z
//       Not After : 3023-10-07T14:24:36Z
//   Fingerprint (sha256): 64:d3:ff:...
//   Public key type: rsaEncryption
//   Public key bits: 4096
//
// PBS-compat: the line "Fingerprint (sha256): <fp>" is what the PBS docs grep for.
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/internal/command.h"
#include "cli/output.h"
#include "cli/table.h"
#include "common/time.h"
#include "http/certificate.h"

namespace ferry::cli::internal {
namespace {

std::string format_time(int64_t epoch) {
  auto text = format_rfc3339_utc(epoch);
  return text ? *text : std::to_string(epoch);
}

std::string render_text(const http::CertificateInfo& cert) {
  std::string out = fmt::format("Subject: {}\n", cert.subject);
  for (const auto& name : cert.san) out += fmt::format("    DNS:{}\n", name);
  out += fmt::format("Issuer: {}\n", cert.issuer);
  out += "Validity:\n";
  out += fmt::format("    Not Before: {}\n", format_time(cert.notbefore));
  out += fmt::format("    Not After : {}\n", format_time(cert.notafter));
  out += fmt::format("Fingerprint (sha256): {}\n", cert.fingerprint);
  out += fmt::format("Public key type: {}\n", cert.public_key_type);
  out += fmt::format("Public key bits: {}\n", cert.public_key_bits);
  return sanitize_for_terminal(out);
}

// The object of GET /nodes/{node}/certificates/info (api.md §5.4).
nlohmann::json to_json(const http::CertificateInfo& cert) {
  return {{"filename", cert.filename},
          {"subject", cert.subject},
          {"issuer", cert.issuer},
          {"san", cert.san},
          {"notbefore", cert.notbefore},
          {"notafter", cert.notafter},
          {"pem", cert.pem},
          {"public-key-type", cert.public_key_type},
          {"public-key-bits", cert.public_key_bits},
          {"fingerprint", cert.fingerprint}};
}

Result<std::string> run_info(const Context& ctx) {
  const auto path = ctx.config_dir.file(http::kCertificateFileName);
  FERRY_TRY_ASSIGN(const auto cert, with_context(http::certificate_info(path),
                                                 "read certificate '{}'", path.string()));
  if (ctx.format == OutputFormat::Text) return render_text(cert);
  return format_json(to_json(cert), ctx.format);
}

}  // namespace

void add_cert_commands(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("cert", "inspect the server certificate");
  group->require_subcommand(1);
  auto* info =
      group->add_subcommand("info", "show the certificate (proxy.pem) and its fingerprint");
  info->callback([&selected] { selected = run_info; });
}

}  // namespace ferry::cli::internal
