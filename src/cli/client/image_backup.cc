#include "cli/client/image_backup.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <optional>
#include <set>
#include <unordered_set>
#include <utility>

#include "cli/client/image_source.h"
#include "cli/client/worker_pool.h"
#include "client/backup_writer_client.h"
#include "common/digest.h"
#include "datastore/data_blob.h"
#include "datastore/fixed_index.h"
#include "datastore/manifest.h"

namespace ferry::cli::client {
namespace {

using datastore::BackupManifest;
using ferry::client::BackupWriterClient;
using ferry::client::IndexKind;

// Digests the server treats as known on this connection: listed in a previous index we
// downloaded, or uploaded earlier in the session. Touched by the main thread only.
using KnownSet = std::unordered_set<Digest>;

struct HashedChunk {
  Digest digest;
  Bytes data;
};

// A chunk handed to the server: its encoded size and the answer to come.
struct UploadTicket {
  uint64_t encoded_size = 0;
  std::future<Result<Digest>> done;
};

// One chunk on its way into the index, in image order.
struct PendingChunk {
  Digest digest;
  uint64_t offset = 0;
  bool uploading = false;
  std::future<Result<UploadTicket>> encoding;  // valid while uploading and not yet resolved
  std::optional<UploadTicket> ticket;
};

// Uploads one image as a fixed index on `writer` (see image_backup.h for the pipeline).
class ArchiveUploader {
 public:
  ArchiveUploader(BackupWriterClient& writer, WorkerPool& pool, KnownSet& known)
      : writer_(writer), pool_(pool), known_(known) {}

  Result<Digest> run(const ArchiveSpec& spec, const ImageSource& image, bool progress,
                     BackupStats& stats);

 private:
  void submit_hash(const ImageSource& image, uint64_t index);
  void admit(HashedChunk chunk, uint64_t offset);
  Status drain(bool all);
  Status resolve_upload(PendingChunk& chunk);
  Status flush();

  BackupWriterClient& writer_;
  WorkerPool& pool_;
  KnownSet& known_;
  uint64_t wid_ = 0;
  uint64_t image_size_ = 0;
  BackupStats* stats_ = nullptr;
  std::deque<std::future<Result<HashedChunk>>> hashing_;
  std::deque<PendingChunk> pending_;
  size_t uploads_in_flight_ = 0;
  std::vector<Digest> batch_digests_;
  std::vector<uint64_t> batch_offsets_;
  uint64_t appended_bytes_ = 0;
};

void ArchiveUploader::submit_hash(const ImageSource& image, uint64_t index) {
  const uint64_t offset = index * kFixedChunkSize;
  const uint64_t length = std::min(kFixedChunkSize, image.size() - offset);
  // Reading stays on this thread (one sequential reader); hashing goes to the pool.
  auto data = image.read_at(offset, length);
  if (!data) {
    std::promise<Result<HashedChunk>> failed;
    failed.set_value(tl::unexpected(std::move(data).error()));
    hashing_.push_back(failed.get_future());
    return;
  }
  hashing_.push_back(pool_.submit([bytes = std::move(*data)]() mutable -> Result<HashedChunk> {
    Digest digest = sha256(bytes);
    return HashedChunk{digest, std::move(bytes)};
  }));
}

void ArchiveUploader::admit(HashedChunk chunk, uint64_t offset) {
  PendingChunk pending;
  pending.digest = chunk.digest;
  pending.offset = offset;
  const uint64_t size = chunk.data.size();
  ++stats_->chunks;
  // Claims happen here, in image order, so a chunk that repeats a digest always comes after
  // the chunk that uploads it and is appended only after that upload was answered.
  if (known_.insert(chunk.digest).second) {
    pending.uploading = true;
    ++uploads_in_flight_;
    ++stats_->uploaded_chunks;
    stats_->uploaded_bytes += size;
    pending.encoding = pool_.submit(
        // Captures the writer, not `this`: the pool (and so this task) may outlive the
        // uploader when it returns early with an error; the writer outlives the pool.
        [writer = &writer_, chunk = std::move(chunk), wid = wid_]() mutable
        -> Result<UploadTicket> {
          FERRY_TRY_ASSIGN(auto blob, datastore::DataBlob::encode(chunk.data, nullptr, true));
          const uint64_t plain = chunk.data.size();
          chunk.data = Bytes();  // release the plain copy before the upload holds the blob
          UploadTicket ticket;
          ticket.encoded_size = blob.raw_size();
          ticket.done = writer->upload_chunk_async(IndexKind::Fixed, wid, chunk.digest, plain,
                                                   std::move(blob).take_raw());
          return ticket;
        });
  } else {
    ++stats_->reused_chunks;
    stats_->reused_bytes += size;
  }
  pending_.push_back(std::move(pending));
}

Status ArchiveUploader::resolve_upload(PendingChunk& chunk) {
  if (!chunk.ticket) {
    auto ticket = chunk.encoding.get();
    if (!ticket) return tl::unexpected(std::move(ticket).error());
    chunk.ticket = std::move(*ticket);
  }
  auto stored = chunk.ticket->done.get();
  if (!stored) {
    return make_error(stored.error().code(), "upload chunk {}: {}", chunk.digest.to_hex(),
                      stored.error().to_string());
  }
  stats_->compressed_bytes += chunk.ticket->encoded_size;
  --uploads_in_flight_;
  return ok();
}

// Whether the upload of `chunk` was answered, without blocking; takes the ticket out of the
// encoding future once the worker produced it.
Result<bool> upload_answered(PendingChunk& chunk) {
  if (!chunk.ticket) {
    if (!is_ready(chunk.encoding)) return false;
    auto ticket = chunk.encoding.get();
    if (!ticket) return tl::unexpected(std::move(ticket).error());
    chunk.ticket = std::move(*ticket);
  }
  return is_ready(chunk.ticket->done);
}

// Moves finished chunks from the front of the queue into append batches. Stops at the first
// chunk whose upload is still running, unless `all` is set or kUploadWindow uploads are in
// flight: then it waits for that upload.
Status ArchiveUploader::drain(bool all) {
  while (!pending_.empty()) {
    PendingChunk& front = pending_.front();
    if (front.uploading) {
      FERRY_TRY_ASSIGN(bool answered, upload_answered(front));
      if (!answered && !all && uploads_in_flight_ < kUploadWindow) return ok();
      FERRY_TRY(resolve_upload(front));
    }
    batch_digests_.push_back(front.digest);
    batch_offsets_.push_back(front.offset);
    pending_.pop_front();
    if (batch_digests_.size() >= kMaxAppendBatch) FERRY_TRY(flush());
  }
  return ok();
}

Status ArchiveUploader::flush() {
  if (batch_digests_.empty()) return ok();
  FERRY_TRY(writer_.append(IndexKind::Fixed, wid_, batch_digests_, batch_offsets_));
  for (size_t i = 0; i < batch_offsets_.size(); ++i) {
    appended_bytes_ = std::max(appended_bytes_,
                               std::min(batch_offsets_[i] + kFixedChunkSize, image_size_));
  }
  batch_digests_.clear();
  batch_offsets_.clear();
  return ok();
}

Result<Digest> ArchiveUploader::run(const ArchiveSpec& spec, const ImageSource& image,
                                    bool progress, BackupStats& stats) {
  stats_ = &stats;
  image_size_ = image.size();
  stats.size = image_size_;
  FERRY_TRY_ASSIGN(wid_, writer_.create_fixed_index(spec.index_name(), image_size_));
  const uint64_t count = datastore::fixed_index_count(image_size_, kFixedChunkSize);
  ProgressMeter meter(spec.name, image_size_, progress);
  Sha256 csum;  // fixed index checksum: SHA-256 over the digests in slot order (§6.3)
  uint64_t next_read = 0;
  for (uint64_t index = 0; index < count; ++index) {
    while (hashing_.size() < kHashWindow && next_read < count) submit_hash(image, next_read++);
    auto hashed = hashing_.front().get();
    hashing_.pop_front();
    if (!hashed) {
      return make_error(hashed.error().code(), "read image '{}': {}", spec.path,
                        hashed.error().to_string());
    }
    csum.update(hashed->digest.bytes);
    admit(std::move(*hashed), index * kFixedChunkSize);
    FERRY_TRY(drain(false));
    meter.update(appended_bytes_, stats.reused_bytes);
  }
  FERRY_TRY(drain(true));
  FERRY_TRY(flush());
  meter.finish();
  const Digest digest = csum.finish();
  FERRY_TRY(writer_.close_index(IndexKind::Fixed, wid_, count, image_size_, digest));
  return digest;
}

// The previous snapshot's manifest, or nullopt when there is none or it cannot be used (the
// optimization is then skipped, as the PBS client does).
std::optional<BackupManifest> previous_manifest(BackupWriterClient& writer) {
  auto time = writer.previous_backup_time();
  if (!time || !*time) return std::nullopt;
  auto raw = writer.download_previous(datastore::kManifestBlobName);
  if (!raw) return std::nullopt;
  auto blob = datastore::DataBlob::from_raw(std::move(*raw));
  if (!blob || !blob->verify_crc()) return std::nullopt;
  auto manifest = BackupManifest::from_blob(*blob);
  if (!manifest) return std::nullopt;
  return std::move(*manifest);
}

// Downloads the previous index of `index_name` (which registers its chunks on the server) and
// adds its digests to `known` when it matches the previous manifest. Failures only cost
// deduplication.
void add_previous_index(BackupWriterClient& writer, const BackupManifest& previous,
                        const std::string& index_name, KnownSet& known) {
  const datastore::FileInfo* info = previous.lookup_file(index_name);
  if (info == nullptr || info->crypt_mode != datastore::CryptMode::None) return;
  auto raw = writer.download_previous(index_name);
  if (!raw) return;
  auto index = datastore::FixedIndexReader::from_bytes(std::move(*raw));
  if (!index || index->compute_csum() != info->csum || index->index_bytes() != info->size) return;
  known.insert(index->digests().begin(), index->digests().end());
}

Status upload_manifest(BackupWriterClient& writer, const ImageBackupParams& params,
                       const std::vector<std::pair<std::string, std::pair<uint64_t, Digest>>>&
                           files) {
  const auto& snap = params.snapshot;
  BackupManifest manifest(std::string(types::to_string(snap.group().type())), snap.group().id(),
                          snap.time());
  for (const auto& [name, entry] : files) {
    FERRY_TRY(manifest.add_file(name, entry.first, entry.second, datastore::CryptMode::None));
  }
  FERRY_TRY_ASSIGN(auto blob, manifest.to_blob());
  return writer.upload_blob(datastore::kManifestBlobName, std::move(blob).take_raw());
}

}  // namespace

Status check_image_sources(const std::vector<ArchiveSpec>& archives) {
  if (archives.empty()) {
    return make_error(Errc::InvalidArgument, "no archive given: expected NAME.img:PATH");
  }
  std::set<std::string> names;
  for (const auto& spec : archives) {
    if (!names.insert(spec.name).second) {
      return make_error(Errc::InvalidArgument, "archive name '{}' given twice", spec.name);
    }
    FERRY_TRY(ImageSource::open(spec.path));
  }
  return ok();
}

Result<ImageBackupResult> run_image_backup(ferry::client::HttpClient& http,
                                           const ImageBackupParams& params) {
  ferry::client::BackupWriterParams wp{params.store, params.ns, params.snapshot};
  wp.debug = true;  // PBS-compat: what proxmox-backup-client sends (protocol.md §3.4.9)
  FERRY_TRY_ASSIGN(auto writer, BackupWriterClient::start(http, wp));
  // Declared after the writer so that it is destroyed first: queued tasks refer to the writer.
  WorkerPool pool(0);
  KnownSet known;
  const auto previous = previous_manifest(*writer);
  ImageBackupResult result;
  std::vector<std::pair<std::string, std::pair<uint64_t, Digest>>> files;
  for (const auto& spec : params.archives) {
    FERRY_TRY_ASSIGN(auto image, ImageSource::open(spec.path));
    if (previous) add_previous_index(*writer, *previous, spec.index_name(), known);
    BackupStats stats;
    const auto start = std::chrono::steady_clock::now();
    ArchiveUploader uploader(*writer, pool, known);
    FERRY_TRY_ASSIGN(Digest csum, uploader.run(spec, image, params.show_progress, stats));
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (params.report) params.report(format_backup_summary(spec.name, stats));
    files.emplace_back(spec.index_name(), std::make_pair(image.size(), csum));
    result.archives.push_back(stats);
  }
  FERRY_TRY(upload_manifest(*writer, params, files));
  FERRY_TRY(writer->finish());
  FERRY_TRY(writer->close());
  return result;
}

}  // namespace ferry::cli::client
