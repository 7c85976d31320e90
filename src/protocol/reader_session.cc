#include "protocol/reader_session.h"

#include <mutex>
#include <unordered_set>

#include "common/file_lock.h"
#include "common/fs.h"
#include "datastore/data_blob.h"
#include "datastore/datastore.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"
#include "datastore/manifest.h"

namespace ferry::protocol {

namespace stdfs = std::filesystem;
using datastore::ArchiveType;

struct ReaderSession::State {
  datastore::Datastore* store = nullptr;
  stdfs::path path;
  std::optional<FileLock> lock;
  std::mutex mu;
  std::unordered_set<Digest> allowed;  // guarded by mu
};

ReaderSession::ReaderSession(std::unique_ptr<State> state) : s_(std::move(state)) {}
ReaderSession::~ReaderSession() = default;

Result<std::unique_ptr<ReaderSession>> ReaderSession::open(datastore::Datastore& store,
                                                           const types::BackupNamespace& ns,
                                                           const types::BackupDir& dir) {
  auto state = std::make_unique<State>();
  state->store = &store;
  state->path = store.snapshot_path(ns, dir);
  std::error_code ec;
  if (!stdfs::is_directory(state->path, ec))
    return make_error(Errc::InvalidArgument, "snapshot {}/{}/{} does not exist.",
                      types::to_string(dir.group().type()), dir.group().id(), dir.time());
  auto lock = store.lock_snapshot(ns, dir, LockMode::Shared);
  if (!lock) {
    if (lock.error().code() == Errc::Conflict)
      return make_error(Errc::Conflict, "locked by another operation");
    return tl::unexpected(lock.error());
  }
  state->lock.emplace(std::move(*lock));
  return std::unique_ptr<ReaderSession>(new ReaderSession(std::move(state)));
}

Result<Bytes> ReaderSession::download(std::string_view file_name) {
  auto type = datastore::parse_archive_name(file_name);
  if (!type) return make_error(Errc::InvalidArgument, "unknown archive type");
  const auto path = s_->path / std::string(file_name);
  auto register_index = [&](const datastore::IndexFile& index) {
    std::lock_guard lock(s_->mu);
    for (size_t i = 0; i < index.index_count(); ++i) s_->allowed.insert(index.index_digest(i));
  };
  if (*type == ArchiveType::FixedIndex) {
    auto index = datastore::FixedIndexReader::open(path);
    if (!index) return make_error(Errc::InvalidArgument, "{}", index.error().to_string());
    register_index(*index);
  } else if (*type == ArchiveType::DynamicIndex) {
    auto index = datastore::DynamicIndexReader::open(path);
    if (!index) return make_error(Errc::InvalidArgument, "{}", index.error().to_string());
    register_index(*index);
  }
  auto data = fs::read_file(path, datastore::kMaxIndexFileSize);
  if (!data) {
    if (data.error().code() == Errc::NotFound)
      return make_error(Errc::NotFound, "open file \"{}\" failed - not found", path.string());
    return make_error(Errc::InvalidArgument, "open file \"{}\" failed - {}", path.string(),
                      data.error().to_string());
  }
  return data;
}

Result<Bytes> ReaderSession::chunk(const Digest& digest) {
  {
    std::lock_guard lock(s_->mu);
    if (!s_->allowed.contains(digest))
      return make_error(Errc::Unauthenticated, "download chunk {} not allowed", digest.to_hex());
  }
  const auto path = s_->store->chunk_store().chunk_path(digest);
  auto data = fs::read_file(path, datastore::kMaxBlobPlaintextSize + 44);
  if (!data)
    return make_error(Errc::InvalidArgument, "reading file \"{}\" failed: {}", path.string(),
                      data.error().to_string());
  return data;
}

Bytes ReaderSession::speedtest_payload() { return Bytes(kReaderSpeedtestSize, 0x41); }

}  // namespace ferry::protocol
