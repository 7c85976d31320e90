// The answer a Handler gives to one Request (see request.h). A plain value: the Server turns it
// into HTTP/1.1 (adding Content-Length and the Connection header).
//
// Protocol switch (issue #5, protocol.md §2.3): a handler that accepts
// `Upgrade: proxmox-backup-protocol-v1` returns status 101 with `Connection: upgrade` and
// `Upgrade: <protocol>` headers and an `upgrade` handler. After writing the 101 the Server
// hands the TLS stream and any bytes it already read past the request to that handler
// (upgrade.h). A 101 without `upgrade` is answered as 500.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/request.h"

namespace ferry::http {

class UpgradeHandler;

inline constexpr std::string_view kJsonContentType = "application/json;charset=UTF-8";
inline constexpr std::string_view kTextContentType = "text/plain;charset=UTF-8";

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Close the connection after this response even if the client wants keep-alive.
  bool close = false;
  // With status 101: takes over the connection after the response was written.
  std::shared_ptr<UpgradeHandler> upgrade;

  // A response with `body` and a Content-Type header.
  static Response with_body(int status, std::string body, std::string_view content_type);
};

}  // namespace ferry::http
