#include "sync/internal/chunk_transfer.h"

#include <chrono>
#include <deque>
#include <future>

#include "datastore/data_blob.h"

namespace ferry::sync::internal {

using datastore::CryptMode;
using datastore::DataBlob;

namespace {

struct Fetch {
  Digest digest;
  uint64_t size = 0;
  std::future<Result<Bytes>> data;
};

// Walks one index and keeps the fetch window full; see transfer_index_chunks.
class IndexTransfer {
 public:
  IndexTransfer(SnapshotReader& reader, datastore::ChunkStore& target, WorkPool& pool,
                const ChunkTransferOptions& opts)
      : reader_(reader), target_(target), pool_(pool), opts_(opts) {}

  ~IndexTransfer() {
    // Fetches still outstanding after a failure: a deferred one is dropped unrun, any other is
    // waited for, because it may refer to the reader (SnapshotReader contract).
    for (auto& f : in_flight_) {
      if (f.data.valid() &&
          f.data.wait_for(std::chrono::seconds(0)) != std::future_status::deferred) {
        f.data.wait();
      }
    }
  }

  Status walk(const datastore::IndexFile& index, std::unordered_set<Digest>& seen) {
    const size_t window = std::max<size_t>(opts_.max_in_flight, 1);
    for (size_t i = 0; i < index.index_count(); ++i) {
      if (opts_.abort && opts_.abort->load()) {
        return make_error(Errc::Cancelled, "abort requested - aborting task");
      }
      if (batch_.failed()) return ok();  // wait() reports it
      const Digest& digest = index.index_digest(i);
      if (!seen.insert(digest).second) continue;
      auto touched = target_.touch(digest);
      if (touched) {
        ++stats_.reused;
        continue;
      }
      if (touched.error().code() != Errc::NotFound) {
        return with_context(std::move(touched), "check chunk {} in datastore '{}'", digest.to_hex(),
                            target_.name());
      }
      in_flight_.push_back({digest, index.chunk_range(i).size(), reader_.fetch_chunk(digest)});
      if (in_flight_.size() >= window) FERRY_TRY(hand_over_front());
    }
    while (!in_flight_.empty() && !batch_.failed()) FERRY_TRY(hand_over_front());
    return ok();
  }

  Result<ChunkTransferStats> finish(Status walked) {
    Status verified = batch_.wait();
    if (!walked) return tl::unexpected(std::move(walked).error());
    if (!verified) return tl::unexpected(std::move(verified).error());
    return stats_;
  }

 private:
  // Waits for the oldest fetch and queues its verification (blocks while the pool is full).
  Status hand_over_front() {
    Fetch f = std::move(in_flight_.front());
    in_flight_.pop_front();
    auto data = f.data.get();
    if (!data) {
      return with_context<void>(tl::unexpected(std::move(data).error()), "fetch chunk {}",
                                f.digest.to_hex());
    }
    ++stats_.chunks;
    stats_.bytes += data->size();
    batch_.add();
    pool_.submit([this, raw = std::move(*data), digest = f.digest, size = f.size]() mutable {
      batch_.done(verify_and_insert_chunk(std::move(raw), digest, size, opts_.crypt_mode, target_));
    });
    return ok();
  }

  SnapshotReader& reader_;
  datastore::ChunkStore& target_;
  WorkPool& pool_;
  const ChunkTransferOptions& opts_;
  std::deque<Fetch> in_flight_;
  TaskBatch batch_;
  ChunkTransferStats stats_;
};

Status check_blob(const DataBlob& blob, CryptMode crypt_mode) {
  FERRY_TRY(blob.verify_crc());
  if (blob.is_encrypted() != (crypt_mode == CryptMode::Encrypt)) {
    return make_error(Errc::Corruption, "Index and chunk CryptMode don't match.");
  }
  return ok();
}

}  // namespace

Status verify_and_insert_chunk(Bytes raw, const Digest& digest, uint64_t expected_size,
                               CryptMode crypt_mode, datastore::ChunkStore& target) {
  auto blob = DataBlob::from_raw(std::move(raw));
  if (!blob) {
    return with_context<void>(tl::unexpected(std::move(blob).error()), "chunk {}", digest.to_hex());
  }
  FERRY_TRY(with_context(check_blob(*blob, crypt_mode), "chunk {}", digest.to_hex()));
  // Encrypted chunks cannot be checked beyond CRC and crypt mode without the key (§7.4).
  FERRY_TRY(blob->verify_unencrypted(expected_size, digest));
  // ChunkStore::insert's errors already name the chunk and the store.
  auto inserted = target.insert(digest, *blob);
  if (!inserted) return tl::unexpected(std::move(inserted).error());
  return ok();
}

Result<ChunkTransferStats> transfer_index_chunks(const datastore::IndexFile& index,
                                                 SnapshotReader& reader,
                                                 datastore::ChunkStore& target,
                                                 std::unordered_set<Digest>& seen, WorkPool& pool,
                                                 const ChunkTransferOptions& opts) {
  IndexTransfer transfer(reader, target, pool, opts);
  Status walked = transfer.walk(index, seen);
  return transfer.finish(std::move(walked));
}

}  // namespace ferry::sync::internal
