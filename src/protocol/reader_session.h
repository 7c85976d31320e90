// ferry::protocol::ReaderSession — the server state of one PBS reader protocol connection
// (spec protocol.md §3.5), independent of the transport.
//
//   auto r = ReaderSession::open(store, ns, dir);   // after the upgrade checks
//   r->download("disk.img.fidx");                    // GET /download (registers digests)
//   r->chunk(digest);                                // GET /chunk (registered digests only)
//
// The session holds a shared lock on the snapshot directory for its lifetime, so the snapshot
// cannot be removed while it is read. The ~3 s delay before a 401 answer (unregistered chunk)
// is the endpoint layer's job. Thread-safe (pull issues up to 20 concurrent chunk requests);
// every function blocks on file I/O.
#pragma once

#include <memory>
#include <string_view>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::datastore {
class Datastore;
}

namespace ferry::protocol {

inline constexpr size_t kReaderSpeedtestSize = 1024 * 1024;  // bytes of 0x41

class ReaderSession {
 public:
  // Checks that the snapshot exists (InvalidArgument `snapshot <type>/<id>/<time> does not
  // exist.`) and takes the shared snapshot lock (Conflict `locked by another operation`).
  // `store` must outlive the session.
  static Result<std::unique_ptr<ReaderSession>> open(datastore::Datastore& store,
                                                     const types::BackupNamespace& ns,
                                                     const types::BackupDir& dir);
  ~ReaderSession();
  ReaderSession(const ReaderSession&) = delete;
  ReaderSession& operator=(const ReaderSession&) = delete;

  // Bytes of a snapshot file. For .fidx/.didx the file is first opened as an index (missing or
  // invalid → InvalidArgument) and its digests become downloadable. A missing blob → NotFound
  // `open file "<path>" failed - not found`; other names → InvalidArgument
  // `unknown archive type`.
  Result<Bytes> download(std::string_view file_name);

  // The stored chunk blob, byte for byte. Unauthenticated `download chunk <hex> not allowed`
  // unless a downloaded index of this session references it; InvalidArgument
  // `reading file "<path>" failed: ...` on read errors.
  Result<Bytes> chunk(const Digest& digest);

  // 1 MiB of 0x41 (GET /speedtest).
  static Bytes speedtest_payload();

 private:
  struct State;
  explicit ReaderSession(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace ferry::protocol
