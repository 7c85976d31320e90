// Chunk transfer for one index (sync-semantics.md §7.4).
//
// The calling thread walks the index: a digest already handled for the group is skipped; a
// chunk the target has is only touched (its atime is the GC mark); any other chunk is fetched
// from the source, up to `max_in_flight` at once. Each fetched chunk goes to the verify pool,
// which checks the blob CRC, that its crypt mode matches the index's, and — for unencrypted
// chunks — that it decodes to the index's chunk length with the right SHA-256, then inserts it.
// The first failure stops the walk; the call returns after every submitted job finished.
#pragma once

#include <atomic>
#include <cstdint>
#include <unordered_set>

#include "common/digest.h"
#include "common/result.h"
#include "datastore/chunk_store.h"
#include "datastore/index.h"
#include "datastore/manifest.h"
#include "sync/internal/work_pool.h"
#include "sync/sync_source.h"

namespace ferry::sync::internal {

struct ChunkTransferStats {
  uint64_t chunks = 0;  // downloaded and inserted
  uint64_t bytes = 0;   // their encoded size
  uint64_t reused = 0;  // present in the target, touched
};

struct ChunkTransferOptions {
  datastore::CryptMode crypt_mode = datastore::CryptMode::None;  // the manifest entry's
  size_t max_in_flight = 20;
  const std::atomic<bool>* abort = nullptr;
};

// Errors: the first of: Cancelled (abort), the source's fetch errors, Corruption (bad blob,
// CRC, crypt mode "Index and chunk CryptMode don't match.", digest, length), the chunk store's
// Io/Conflict; each names the chunk. Chunks inserted before the failure stay (GC handles them).
Result<ChunkTransferStats> transfer_index_chunks(const datastore::IndexFile& index,
                                                 SnapshotReader& reader,
                                                 datastore::ChunkStore& target,
                                                 std::unordered_set<Digest>& seen, WorkPool& pool,
                                                 const ChunkTransferOptions& opts);

// The verify-and-insert step of one fetched chunk (runs on a pool thread).
Status verify_and_insert_chunk(Bytes raw, const Digest& digest, uint64_t expected_size,
                               datastore::CryptMode crypt_mode, datastore::ChunkStore& target);

}  // namespace ferry::sync::internal
