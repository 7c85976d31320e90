// ferry::api::ProtocolUpgradeHandler — ferryd's top-level http::Handler: the two protocol
// upgrade endpoints of protocol.md §2, everything else delegated to the REST ApiService.
//
//   GET /api2/json/backup?store=&[ns=&]backup-type=&backup-id=&backup-time=[&benchmark=][&debug=]
//       Upgrade: proxmox-backup-protocol-v1          → 101, then the backup protocol (§3.4)
//   GET /api2/json/reader?store=&[ns=&]backup-type=&backup-id=&backup-time=[&debug=]
//       Upgrade: proxmox-backup-reader-protocol-v1   → 101, then the reader protocol (§3.5)
//
// Processing order (PBS's): authentication with the REST authenticator (failure → 401
// `authentication failed - <reason>` after `auth_failure_delay`), query parameters (unknown
// names rejected, 400 `parameter verification failed - ...`), then the checks of
// protocol/upgrade_checks.h with the caller's privileges (ApiContext's AuthContext) and the
// datastore from ApiContext::datastores. Failures are plain-text answers with the status the
// check chose (403/404/400). Success: `101 Switching Protocols` with `connection: upgrade` and
// `upgrade: <protocol id>`, and a protocol::ProtocolUpgrade that serves the HTTP/2 connection.
// The snapshot of a backup connection that ends without /finish is removed.
//
// Threading: `handle` runs on the connection's strand and never blocks; authentication and the
// session start (locks, directories) run on the BlockingPool. The ApiContext, the pool and the
// wrapped service must outlive the handler (ferryd main owns them).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/result.h"
#include "http/handler.h"

namespace ferry::http {
class BlockingPool;
}  // namespace ferry::http

namespace ferry::api {

struct ApiContext;

struct ProtocolUpgradeOptions {
  // The REST authenticator (ApiServiceOptions::authenticate). Unset: every upgrade is refused
  // with 401 (the protocols always run as some auth-id).
  std::function<Result<std::string>(const http::Request&)> authenticate;
  std::chrono::milliseconds auth_failure_delay{3000};
  // Delay before a reader's 401 for an unregistered chunk (protocol.md §3.2).
  std::chrono::milliseconds unauthorized_chunk_delay{3000};
};

class ProtocolUpgradeHandler final : public http::Handler {
 public:
  ProtocolUpgradeHandler(std::shared_ptr<http::Handler> service, ApiContext& ctx,
                         http::BlockingPool& pool, ProtocolUpgradeOptions options)
      : service_(std::move(service)), ctx_(ctx), pool_(pool), options_(std::move(options)) {}

  // GET /api2/json/backup|reader: the upgrade (see above); anything else: `service`.
  // Suspends; never blocks.
  boost::asio::awaitable<http::Response> handle(http::Request request) override;

 private:
  boost::asio::awaitable<http::Response> upgrade(http::Request request, bool backup);

  std::shared_ptr<http::Handler> service_;
  ApiContext& ctx_;
  http::BlockingPool& pool_;
  ProtocolUpgradeOptions options_;
};

}  // namespace ferry::api
