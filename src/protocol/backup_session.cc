#include "protocol/backup_session.h"

#include <map>
#include <mutex>

#include "common/fs.h"
#include "common/log.h"
#include "datastore/data_blob.h"
#include "datastore/datastore.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"
#include "datastore/snapshot_writer.h"

namespace ferry::protocol {

namespace stdfs = std::filesystem;
using datastore::ArchiveType;
using datastore::DataBlob;

std::string_view index_kind_name(IndexKind kind) {
  return kind == IndexKind::Fixed ? "fixed" : "dynamic";
}

namespace {

struct FixedWriter {
  datastore::FixedIndexWriter writer;
  uint64_t size = 0;
  uint64_t chunk_count = 0;
  bool incremental = false;
  bool small_chunk_seen = false;
  std::vector<Digest> slots;  // shadow table for the close checksum
};

struct DynamicWriter {
  datastore::DynamicIndexWriter writer;
  uint64_t end = 0;
  uint64_t chunk_count = 0;
  Bytes table;  // (end le64, digest) entries, for the close checksum
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Digest fixed_csum(const std::vector<Digest>& slots) {
  Sha256 h;
  for (const auto& d : slots) h.update(ByteView(d.bytes.data(), d.bytes.size()));
  return h.finish();
}

}  // namespace

struct BackupSession::State {
  datastore::Datastore* store = nullptr;
  std::optional<datastore::SnapshotWriter> writer;
  std::optional<stdfs::path> previous_path;
  std::optional<int64_t> previous_time;
  mutable std::mutex mu;
  std::unordered_map<Digest, uint64_t> known;
  std::map<uint64_t, FixedWriter> fixed;
  std::map<uint64_t, DynamicWriter> dynamic;
  uint64_t last_wid = 0;
  uint64_t file_count = 0;
  std::optional<DataBlob> manifest_blob;
  datastore::ChunkUploadStats stats;
  bool finished = false;
};

BackupSession::BackupSession(std::unique_ptr<State> state) : s_(std::move(state)) {}

BackupSession::~BackupSession() { end(); }

Result<std::unique_ptr<BackupSession>> BackupSession::start(datastore::Datastore& store,
                                                            const types::BackupNamespace& ns,
                                                            const types::BackupDir& dir,
                                                            const types::Authid& auth_id) {
  FERRY_TRY_ASSIGN(auto writer, datastore::SnapshotWriter::create(store, ns, dir, auth_id));
  auto state = std::make_unique<State>();
  state->store = &store;
  if (const auto& base = writer.base_snapshot()) {
    state->previous_time = base->dir.time();
    state->previous_path = store.snapshot_path(ns, base->dir);
  }
  state->writer.emplace(std::move(writer));
  return std::unique_ptr<BackupSession>(new BackupSession(std::move(state)));
}

std::optional<int64_t> BackupSession::previous_backup_time() const { return s_->previous_time; }

bool BackupSession::finished() const {
  std::lock_guard lock(s_->mu);
  return s_->finished;
}

datastore::ChunkUploadStats BackupSession::stats() const {
  std::lock_guard lock(s_->mu);
  return s_->stats;
}

void BackupSession::end() {
  if (!s_) return;
  std::lock_guard lock(s_->mu);
  s_->fixed.clear();
  s_->dynamic.clear();
  if (s_->writer && !s_->finished) {
    spdlog::warn("backup ended but finished flag is not set.");
    s_->writer->abort();
  }
  s_->writer.reset();
}

Status BackupSession::check_not_finished() const {
  if (s_->finished) return make_error(Errc::Conflict, "backup already marked as finished.");
  if (!s_->writer) return make_error(Errc::Conflict, "backup session already ended.");
  return {};
}

Result<uint64_t> BackupSession::next_wid() {
  if (s_->last_wid >= kMaxWriterId)
    return make_error(Errc::InvalidArgument, "too many index writers (limit {})", kMaxWriterId);
  return ++s_->last_wid;
}

Result<Bytes> BackupSession::download_previous(std::string_view archive_name) {
  std::lock_guard lock(s_->mu);
  if (!s_->previous_path) return make_error(Errc::InvalidArgument, "no valid previous backup");
  FERRY_TRY_ASSIGN(auto type, datastore::parse_archive_name(archive_name));
  const auto path = *s_->previous_path / std::string(archive_name);
  if (type == ArchiveType::Blob) {
    auto data = fs::read_file(path, kMaxEncodedSize);
    if (!data && data.error().code() == Errc::NotFound)
      return make_error(Errc::NotFound, "open file {} failed - not found", path.string());
    return data;
  }
  auto register_index = [&](const datastore::IndexFile& index) {
    for (size_t i = 0; i < index.index_count(); ++i)
      s_->known[index.index_digest(i)] = index.chunk_range(i).size();
  };
  if (type == ArchiveType::FixedIndex) {
    auto index = datastore::FixedIndexReader::open(path);
    if (!index) return make_error(Errc::InvalidArgument, "{}", index.error().to_string());
    register_index(*index);
  } else {
    auto index = datastore::DynamicIndexReader::open(path);
    if (!index) return make_error(Errc::InvalidArgument, "{}", index.error().to_string());
    register_index(*index);
  }
  return fs::read_file(path, datastore::kMaxIndexFileSize);
}

Result<uint64_t> BackupSession::create_dynamic_index(std::string_view archive_name) {
  std::lock_guard lock(s_->mu);
  FERRY_TRY(check_not_finished());
  if (!ends_with(archive_name, ".didx"))
    return make_error(Errc::InvalidArgument, "wrong archive extension: '{}'", archive_name);
  FERRY_TRY_ASSIGN(auto writer, s_->writer->create_dynamic_index(archive_name));
  FERRY_TRY_ASSIGN(auto wid, next_wid());
  s_->dynamic.emplace(wid, DynamicWriter{.writer = std::move(writer)});
  return wid;
}

Result<uint64_t> BackupSession::create_fixed_index(std::string_view archive_name, uint64_t size,
                                                   std::optional<std::string_view> reuse_csum) {
  std::lock_guard lock(s_->mu);
  FERRY_TRY(check_not_finished());
  if (!ends_with(archive_name, ".fidx"))
    return make_error(Errc::InvalidArgument, "wrong archive extension: '{}'", archive_name);
  if (size == 0) return make_error(Errc::InvalidArgument, "invalid image size 0");
  std::optional<datastore::FixedIndexReader> previous;
  if (reuse_csum) {
    if (!s_->previous_path)
      return make_error(Errc::InvalidArgument,
                        "cannot reuse index - no valid previous backup exists");
    auto index = datastore::FixedIndexReader::open(*s_->previous_path / std::string(archive_name));
    if (!index)
      return make_error(Errc::InvalidArgument,
                        "cannot reuse index - no previous backup exists for archive");
    const auto last = index->compute_csum().to_hex();
    if (last != *reuse_csum)
      return make_error(Errc::InvalidArgument,
                        "expected csum ({}) doesn't match last backup's ({}), cannot do "
                        "incremental backup",
                        *reuse_csum, last);
    previous.emplace(std::move(*index));
  }
  FERRY_TRY_ASSIGN(auto writer,
                   s_->writer->create_fixed_index(archive_name, size, kFixedChunkSize));
  FixedWriter fw{.writer = std::move(writer), .size = size};
  fw.slots.resize(fw.writer.index_length());
  if (previous) {
    FERRY_TRY(fw.writer.clone_data_from(*previous));
    for (size_t i = 0; i < previous->index_count() && i < fw.slots.size(); ++i)
      fw.slots[i] = previous->index_digest(i);
    fw.incremental = true;
  }
  FERRY_TRY_ASSIGN(auto wid, next_wid());
  s_->fixed.emplace(wid, std::move(fw));
  return wid;
}

Result<std::string> BackupSession::upload_chunk(IndexKind kind, uint64_t wid, const Digest& digest,
                                                uint64_t size, uint64_t encoded_size, Bytes body) {
  if (body.size() > encoded_size)
    return make_error(Errc::InvalidArgument, "uploaded chunk is larger than announced.");
  if (body.size() != encoded_size)
    return make_error(Errc::InvalidArgument, "uploaded chunk has unexpected size.");
  if (size == 0 || size > kMaxChunkSize)
    return make_error(Errc::InvalidArgument, "invalid chunk size {}", size);
  FERRY_TRY_ASSIGN(auto blob, DataBlob::from_raw(std::move(body)));
  if (!blob.is_encrypted()) {
    auto data = blob.decode_with_limit(nullptr, nullptr, size + 1);
    if (!data) return make_error(Errc::Corruption, "{}", data.error().to_string());
    if (data->size() != size)
      return make_error(Errc::Corruption, "detected chunk with wrong length ({} != {})", size,
                        data->size());
    if (sha256(*data) != digest)
      return make_error(Errc::Corruption, "detected chunk with wrong digest.");
  }
  blob.fix_crc();
  std::lock_guard lock(s_->mu);
  FERRY_TRY(check_not_finished());
  if (kind == IndexKind::Fixed) {
    auto it = s_->fixed.find(wid);
    if (it == s_->fixed.end())
      return make_error(Errc::InvalidArgument, "fixed writer '{}' not registered", wid);
    if (size > kFixedChunkSize) return make_error(Errc::InvalidArgument, "got large chunk");
    if (size < kFixedChunkSize) {
      if (it->second.small_chunk_seen)
        return make_error(Errc::InvalidArgument, "detected multiple end chunks");
      it->second.small_chunk_seen = true;
    }
  } else if (!s_->dynamic.contains(wid)) {
    return make_error(Errc::InvalidArgument, "dynamic writer '{}' not registered", wid);
  }
  const uint64_t encoded = blob.raw_size();
  FERRY_TRY_ASSIGN(auto inserted, s_->store->chunk_store().insert(digest, blob));
  s_->stats.count += 1;
  s_->stats.size += size;
  s_->stats.compressed_size += encoded;
  if (inserted.existed) s_->stats.duplicates += 1;
  s_->known[digest] = size;
  return digest.to_hex();
}

Status BackupSession::append(IndexKind kind, uint64_t wid, const std::vector<Digest>& digests,
                             const std::vector<uint64_t>& offsets) {
  std::lock_guard lock(s_->mu);
  FERRY_TRY(check_not_finished());
  if (offsets.size() != digests.size())
    return make_error(Errc::InvalidArgument, "offset list has wrong length ({} != {})",
                      offsets.size(), digests.size());
  return kind == IndexKind::Fixed ? append_fixed(wid, digests, offsets)
                                  : append_dynamic(wid, digests, offsets);
}

Status BackupSession::append_fixed(uint64_t wid, const std::vector<Digest>& digests,
                                   const std::vector<uint64_t>& offsets) {
  auto it = s_->fixed.find(wid);
  if (it == s_->fixed.end())
    return make_error(Errc::InvalidArgument, "fixed writer '{}' not registered", wid);
  auto& w = it->second;
  for (size_t i = 0; i < digests.size(); ++i) {
    auto known = s_->known.find(digests[i]);
    if (known == s_->known.end())
      return make_error(Errc::InvalidArgument, "no such chunk {}", digests[i].to_hex());
    const uint64_t offset = offsets[i];
    const uint64_t s = known->second;
    const uint64_t end = offset + s;
    if (end < offset || end > w.size)
      return make_error(Errc::InvalidArgument, "write chunk data exceeds size ({} >= {})", end,
                        w.size);
    if (s > kFixedChunkSize || (s != kFixedChunkSize && end != w.size))
      return make_error(Errc::InvalidArgument, "fixed writer '{}' - got unexpected chunk size {}",
                        wid, s);
    if (offset % kFixedChunkSize != 0)
      return make_error(Errc::InvalidArgument, "got unaligned chunk (pos = {})", offset);
    const size_t pos = offset / kFixedChunkSize;
    FERRY_TRY(w.writer.add_digest(pos, digests[i]));
    w.slots[pos] = digests[i];
    w.chunk_count += 1;
  }
  return {};
}

Status BackupSession::append_dynamic(uint64_t wid, const std::vector<Digest>& digests,
                                     const std::vector<uint64_t>& offsets) {
  auto it = s_->dynamic.find(wid);
  if (it == s_->dynamic.end())
    return make_error(Errc::InvalidArgument, "dynamic writer '{}' not registered", wid);
  auto& w = it->second;
  for (size_t i = 0; i < digests.size(); ++i) {
    auto known = s_->known.find(digests[i]);
    if (known == s_->known.end())
      return make_error(Errc::InvalidArgument, "no such chunk {}", digests[i].to_hex());
    if (offsets[i] != w.end)
      return make_error(Errc::InvalidArgument, "got strange chunk offset ({} != {})", w.end,
                        offsets[i]);
    const uint64_t end = w.end + known->second;
    FERRY_TRY(w.writer.add_chunk(end, digests[i]));
    uint8_t le[8];
    store_le64(le, end);
    w.table.insert(w.table.end(), le, le + sizeof le);
    w.table.insert(w.table.end(), digests[i].bytes.begin(), digests[i].bytes.end());
    w.end = end;
    w.chunk_count += 1;
  }
  return {};
}

Status BackupSession::close_index(IndexKind kind, uint64_t wid, uint64_t chunk_count, uint64_t size,
                                  const Digest& csum) {
  std::lock_guard lock(s_->mu);
  FERRY_TRY(check_not_finished());
  return kind == IndexKind::Fixed ? close_fixed(wid, chunk_count, size, csum)
                                  : close_dynamic(wid, chunk_count, size, csum);
}

Status BackupSession::close_fixed(uint64_t wid, uint64_t chunk_count, uint64_t size,
                                  const Digest& csum) {
  auto it = s_->fixed.find(wid);
  if (it == s_->fixed.end())
    return make_error(Errc::InvalidArgument, "fixed writer '{}' not registered", wid);
  auto& w = it->second;
  if (chunk_count != w.chunk_count)
    return make_error(Errc::InvalidArgument,
                      "fixed writer '{}' close failed - received wrong number of chunk ({} != {})",
                      wid, w.chunk_count, chunk_count);
  if (!w.incremental) {
    if (chunk_count != w.slots.size())
      return make_error(Errc::InvalidArgument,
                        "fixed writer '{}' close failed - unexpected chunk count ({} != {})", wid,
                        w.slots.size(), chunk_count);
    if (size != w.size)
      return make_error(Errc::InvalidArgument,
                        "fixed writer '{}' close failed - unexpected file size ({} != {})", wid,
                        w.size, size);
  }
  const Digest expected = fixed_csum(w.slots);
  if (expected != csum)
    return make_error(Errc::InvalidArgument,
                      "fixed writer '{}' close failed - got unexpected checksum", wid);
  FERRY_TRY(w.writer.close());
  s_->fixed.erase(it);
  s_->file_count += 1;
  return {};
}

Status BackupSession::close_dynamic(uint64_t wid, uint64_t chunk_count, uint64_t size,
                                    const Digest& csum) {
  auto it = s_->dynamic.find(wid);
  if (it == s_->dynamic.end())
    return make_error(Errc::InvalidArgument, "dynamic writer '{}' not registered", wid);
  auto& w = it->second;
  if (chunk_count != w.chunk_count)
    return make_error(Errc::InvalidArgument,
                      "dynamic writer '{}' close failed - unexpected chunk count ({} != {})", wid,
                      w.chunk_count, chunk_count);
  if (size != w.end)
    return make_error(Errc::InvalidArgument,
                      "dynamic writer '{}' close failed - unexpected file size ({} != {})", wid,
                      w.end, size);
  if (sha256(w.table) != csum)
    return make_error(Errc::InvalidArgument,
                      "dynamic writer '{}' close failed - got unexpected checksum", wid);
  FERRY_TRY(w.writer.close());
  s_->dynamic.erase(it);
  s_->file_count += 1;
  return {};
}

Status BackupSession::upload_blob(std::string_view file_name, uint64_t encoded_size, Bytes body) {
  if (!ends_with(file_name, ".blob"))
    return make_error(Errc::InvalidArgument, "wrong blob file extension: '{}'", file_name);
  if (body.size() != encoded_size)
    return make_error(Errc::InvalidArgument, "got blob with unexpected length ({} != {})",
                      encoded_size, body.size());
  FERRY_TRY_ASSIGN(auto blob, DataBlob::from_raw(std::move(body)));
  if (!blob.verify_crc()) return make_error(Errc::Corruption, "Data blob has wrong CRC checksum.");
  std::lock_guard lock(s_->mu);
  FERRY_TRY(check_not_finished());
  if (file_name == datastore::kManifestBlobName) {
    s_->manifest_blob.emplace(std::move(blob));  // written by finish, the commit point
  } else {
    FERRY_TRY(s_->writer->add_blob(file_name, blob));
  }
  s_->file_count += 1;
  return {};
}

Status BackupSession::finish() {
  std::lock_guard lock(s_->mu);
  FERRY_TRY(check_not_finished());
  if (!s_->fixed.empty() || !s_->dynamic.empty())
    return make_error(Errc::Conflict, "found open index writer - unable to finish backup");
  if (s_->file_count == 0)
    return make_error(Errc::InvalidArgument,
                      "backup does not contain valid files (file count == 0)");
  if (!s_->manifest_blob)
    return make_error(Errc::InvalidArgument,
                      "unable to update manifest blob - manifest '{}' was not uploaded",
                      datastore::kManifestBlobName);
  auto manifest = datastore::BackupManifest::from_blob(*s_->manifest_blob);
  if (!manifest)
    return make_error(Errc::InvalidArgument, "unable to update manifest blob - {}",
                      manifest.error().to_string());
  manifest->set_chunk_upload_stats(s_->stats);
  FERRY_TRY(s_->writer->commit(*manifest));
  s_->finished = true;
  return {};
}

}  // namespace ferry::protocol
