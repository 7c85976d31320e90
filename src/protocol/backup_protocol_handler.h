// ferry::protocol::BackupProtocolHandler — the HTTP/2 endpoints of one backup protocol
// connection (protocol.md §3.2–§3.4) over a BackupSession.
//
//   GET  /previous_backup_time                            → epoch or null
//   GET  /previous?archive-name=                           → raw file (registers index chunks)
//   POST /dynamic_index?archive-name=                      → wid
//   POST /fixed_index?archive-name=&size=[&reuse-csum=]    → wid
//   POST /dynamic_chunk|/fixed_chunk?wid=&digest=&size=&encoded-size=  (body: chunk blob) → digest
//   PUT  /dynamic_index|/fixed_index  JSON {wid, digest-list, offset-list}  → null
//   POST /dynamic_close|/fixed_close?wid=&chunk-count=&size=&csum=         → null
//   POST /blob?file-name=&encoded-size=  (body: blob)      → null
//   POST /finish                                            → null
//   POST /speedtest  (any body)                             → null
//   GET  /                                                  → [{"subdir": ...}, ...]
//
// Parameters come from the query string (the append PUTs: a JSON body) and are checked against
// PBS's schemas before the session sees them: unknown, missing or out-of-domain parameters give
// 400 `parameter verification failed - '<name>': <reason>`. Session errors map NotFound → 404,
// everything else → 400, with the message as plain text. Unknown paths: 404
// `Path '/<x>' not found.` (leading and duplicate slashes are ignored).
//
// Threading: `handle` runs on the HTTP/2 session's executor and never blocks it: parsing and
// the session call run together on the BlockingPool. When the connection ends,
// `connection_ended` calls BackupSession::end on the pool, which removes the snapshot unless
// /finish succeeded (§3.3). The pool must outlive the handler.
#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "http/blocking_pool.h"
#include "http/h2_types.h"
#include "protocol/protocol_upgrade.h"

namespace ferry::protocol {

class BackupSession;

class BackupProtocolHandler final : public ProtocolHandler {
 public:
  BackupProtocolHandler(std::shared_ptr<BackupSession> session, http::BlockingPool& pool)
      : session_(std::move(session)), pool_(pool) {}

  // Serves one request (see above). Suspends; never throws for bad input.
  boost::asio::awaitable<http::H2Response> handle(http::H2Request request) override;
  // Ends the session (removing an unfinished snapshot). Idempotent. Suspends.
  boost::asio::awaitable<void> connection_ended() override;

  // The blocking part of `handle`: parameter parsing plus the session call. Exposed for tests;
  // the server always goes through `handle`. Blocks on file I/O.
  static http::H2Response dispatch(BackupSession& session, http::H2Request request);

 private:
  std::shared_ptr<BackupSession> session_;  // null once the connection ended
  http::BlockingPool& pool_;
};

}  // namespace ferry::protocol
