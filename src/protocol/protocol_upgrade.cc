#include "protocol/protocol_upgrade.h"

#include "common/log.h"

namespace ferry::protocol {

boost::asio::awaitable<void> ProtocolUpgrade::run(std::shared_ptr<http::TlsStream> stream,
                                                  std::string leftover) {
  auto session = http::H2ServerSession::create(std::move(stream), leftover, handler_, options_);
  if (!session) {
    spdlog::error("protocol connection setup failed: {}", session.error().to_string());
  } else {
    Status st = co_await (*session)->run();
    if (!st) spdlog::debug("protocol connection ended: {}", st.error().to_string());
  }
  // Also after a failed setup: the session (e.g. a half-created snapshot) must be ended.
  co_await handler_->connection_ended();
}

}  // namespace ferry::protocol
