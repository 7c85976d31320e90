#include "sync/internal/snapshot_pull.h"

#include <chrono>

#include "common/fault.h"
#include "common/fs.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"
#include "sync/internal/chunk_transfer.h"
#include "sync/internal/snapshot_files.h"

namespace ferry::sync::internal {

namespace stdfs = std::filesystem;
using datastore::ArchiveType;
using datastore::BackupManifest;
using datastore::CryptMode;
using datastore::DataBlob;
using datastore::FileInfo;
using types::BackupDir;

namespace {

enum class Outcome { Done, Unchanged, Skipped };

double seconds_since(const Clock& clock, std::chrono::system_clock::time_point start) {
  return std::chrono::duration<double>(clock.now() - start).count();
}

Result<std::unique_ptr<datastore::IndexFile>> parse_index(ArchiveType type, Bytes data,
                                                          const stdfs::path& tmp) {
  if (type == ArchiveType::FixedIndex) {
    auto r = datastore::FixedIndexReader::from_bytes(std::move(data));
    if (!r) {
      return make_error(Errc::Corruption, "unable to read fixed index '\"{}\"' - {}", tmp.string(),
                        r.error().to_string());
    }
    return std::make_unique<datastore::FixedIndexReader>(std::move(*r));
  }
  auto r = datastore::DynamicIndexReader::from_bytes(std::move(data));
  if (!r) {
    return make_error(Errc::Corruption, "unable to read dynamic index \"{}\" - {}", tmp.string(),
                      r.error().to_string());
  }
  return std::make_unique<datastore::DynamicIndexReader>(std::move(*r));
}

// One snapshot transfer into a locked target directory.
class SnapshotPull {
 public:
  SnapshotPull(GroupPull& g, SnapshotReader& reader, const BackupDir& dir, stdfs::path path,
               bool corrupt)
      : g_(g),
        reader_(reader),
        dir_(dir),
        path_(std::move(path)),
        corrupt_(corrupt),
        durable_(g.run.target().chunk_store().sync_level() == datastore::SyncLevel::File) {}

  Result<Outcome> run() {
    auto raw = reader_.download(datastore::kManifestBlobName);
    if (!raw && raw.error().code() == Errc::NotFound) {
      g_.log.logf("skipping snapshot {} - vanished since start of sync", dir_.to_string());
      return Outcome::Skipped;
    }
    if (!raw) return with_context<Outcome>(tl::unexpected(raw.error()), "download manifest");
    FERRY_TRY_ASSIGN(DataBlob blob, manifest_blob(std::move(*raw)));
    if (!corrupt_) {
      FERRY_TRY_ASSIGN(bool unchanged, is_unchanged(blob));
      if (unchanged) {
        FERRY_TRY(fetch_client_log());
        g_.log.log("no data changes");
        return Outcome::Unchanged;
      }
    }
    FERRY_TRY_ASSIGN(BackupManifest manifest, BackupManifest::from_blob(blob));
    FERRY_TRY(check_names_snapshot(manifest));
    if (!passes_filters(manifest)) return Outcome::Skipped;
    for (const FileInfo& entry : manifest.files) {
      FERRY_TRY(g_.run.check_abort());
      FERRY_TRY(pull_file(entry));
    }
    FERRY_TRY(commit_manifest(blob));
    FERRY_TRY(fetch_client_log());
    FERRY_TRY(remove_unlisted_files(path_, manifest));
    return Outcome::Done;
  }

 private:
  // A manifest that is not a valid blob is an error, not a vanished snapshot (decision S5).
  Result<DataBlob> manifest_blob(Bytes raw) const {
    auto blob = DataBlob::from_raw(std::move(raw));
    Status st = blob ? blob->verify_crc() : Status(tl::unexpected(blob.error()));
    if (!st) {
      return make_error(Errc::Corruption, "invalid manifest blob of snapshot {} - {}",
                        dir_.to_string(), st.error().to_string());
    }
    return std::move(*blob);
  }

  Result<bool> is_unchanged(const DataBlob& blob) const {
    stdfs::path local = path_ / datastore::kManifestBlobName;
    auto bytes = fs::read_file(local, datastore::kMaxManifestSize + datastore::kBlobHeaderSize);
    if (!bytes && bytes.error().code() == Errc::NotFound) return false;
    if (!bytes) {
      return make_error(bytes.error().code(), "unable to read local manifest \"{}\" - {}",
                        local.string(), bytes.error().to_string());
    }
    return *bytes == blob.raw();
  }

  Status check_names_snapshot(const BackupManifest& m) const {
    const auto& group = dir_.group();
    if (m.backup_type != types::to_string(group.type()) || m.backup_id != group.id() ||
        m.backup_time != dir_.time()) {
      return make_error(Errc::Corruption, "manifest of snapshot {} names {}/{}/{}",
                        dir_.to_string(), m.backup_type, m.backup_id, m.backup_time);
    }
    return ok();
  }

  // verified-only / encrypted-only post-check on the downloaded manifest (§12.2).
  bool passes_filters(const BackupManifest& m) const {
    const PullParams& p = g_.run.params();
    if (p.verified_only) {
      auto state = m.verify_state();
      if (!state || !*state || (*state)->state != datastore::VerifyState::Ok) {
        g_.log.logf("Snapshot {} not verified but verified-only set, snapshot skipped",
                    dir_.to_string());
        return false;
      }
    }
    if (p.encrypted_only) {
      bool all = !m.files.empty();
      for (const auto& f : m.files) all = all && f.crypt_mode == CryptMode::Encrypt;
      if (!all) {
        g_.log.logf("Snapshot {} not encrypted but encrypted-only set, snapshot skipped",
                    dir_.to_string());
        return false;
      }
    }
    return true;
  }

  Status pull_file(const FileInfo& entry) {
    stdfs::path path = path_ / entry.filename;
    if (!corrupt_) {
      Status local = check_local_file(path, entry);
      if (local) return ok();
      if (local.error().code() != Errc::NotFound) {
        g_.log.logf("detected changed file \"{}\" - {}", path.string(), local.error().to_string());
      }
    }
    g_.log.logf("sync archive {}", entry.filename);
    stdfs::path tmp = tmp_path_for(path);
    Status st = download_file(entry, tmp);
    if (st) st = rename_file(tmp, path);
    if (!st) (void)fs::remove_file(tmp, true);
    return st;
  }

  Status download_file(const FileInfo& entry, const stdfs::path& tmp) {
    FERRY_TRY_ASSIGN(ArchiveType type, datastore::parse_archive_name(entry.filename));
    FERRY_TRY_ASSIGN(Bytes data, with_context(reader_.download(entry.filename), "download '{}'",
                                              entry.filename));
    ++g_.stats.files_downloaded;
    FERRY_TRY(write_file(tmp, data, durable_));
    if (type == ArchiveType::Blob) return check_against_manifest(entry, data.size(), sha256(data));
    FERRY_TRY_ASSIGN(auto index, parse_index(type, std::move(data), tmp));
    FERRY_TRY(check_against_manifest(entry, index->index_bytes(), index->compute_csum()));
    return transfer_chunks(*index, entry.crypt_mode);
  }

  Status transfer_chunks(const datastore::IndexFile& index, CryptMode mode) {
    const Clock& clock = g_.run.env().clock;
    auto start = clock.now();
    ChunkTransferOptions opts{mode, g_.run.params().chunks_in_flight, g_.run.env().abort};
    FERRY_TRY_ASSIGN(ChunkTransferStats s,
                     transfer_index_chunks(index, reader_, g_.run.target().chunk_store(),
                                           g_.seen_chunks, g_.run.verify_pool(), opts));
    double elapsed = seconds_since(clock, start);
    g_.stats.chunks_downloaded += s.chunks;
    g_.stats.bytes_downloaded += s.bytes;
    g_.stats.chunks_reused += s.reused;
    g_.stats.transfer_seconds += elapsed;
    g_.log.logf("downloaded {} ({}/s)", format_binary_size(double(s.bytes)),
                format_rate(s.bytes, elapsed));
    return ok();
  }

  // The commit point (§7.3 step 4): everything the manifest lists is durable before the
  // manifest appears under its final name.
  Status commit_manifest(const DataBlob& blob) {
    auto& target = g_.run.target();
    if (target.chunk_store().sync_level() == datastore::SyncLevel::Filesystem) {
      FERRY_TRY(target.chunk_store().sync_filesystem());
    }
    stdfs::path tmp = tmp_path_for(path_ / datastore::kManifestBlobName);
    FERRY_TRY(write_file(tmp, ByteView(blob.raw()), durable_));
    if (durable_) FERRY_TRY(fs::fsync_dir(path_));
    FERRY_TRY_ASSIGN(FileLock lock, target.lock_manifest(g_.ns.target, dir_));
    FERRY_FAULT_POINT("sync.manifest.before_rename");
    FERRY_TRY(rename_file(tmp, path_ / datastore::kManifestBlobName));
    if (durable_) FERRY_TRY(fs::fsync_dir(path_));
    return ok();
  }

  // §7.3 step 7: the client log, when the snapshot has none yet. PBS ≥ 4.1.11 copies it for
  // local syncs too, which keeps synced snapshots byte-identical to their source.
  Status fetch_client_log() {
    stdfs::path final_path = path_ / datastore::kClientLogBlobName;
    FERRY_TRY_ASSIGN(bool present, fs::exists(final_path));
    if (present) return ok();
    auto raw = reader_.download(datastore::kClientLogBlobName);
    if (!raw && raw.error().code() == Errc::NotFound) return ok();
    if (!raw) return with_context<void>(tl::unexpected(raw.error()), "download client log");
    auto blob = DataBlob::from_raw(Bytes(*raw));
    Status valid = blob ? blob->verify_crc() : Status(tl::unexpected(blob.error()));
    if (!valid) {
      g_.log.logf("ignoring invalid backup log file \"{}\" - {}", datastore::kClientLogBlobName,
                  valid.error().to_string());
      return ok();
    }
    stdfs::path tmp = tmp_path_for(final_path);
    Status st = write_file(tmp, *raw, durable_);
    if (st) st = rename_file(tmp, final_path);
    if (!st) {
      (void)fs::remove_file(tmp, true);
      return st;
    }
    g_.log.logf("got backup log file \"{}\"", datastore::kClientLogBlobName);
    return ok();
  }

  GroupPull& g_;
  SnapshotReader& reader_;
  const BackupDir& dir_;
  stdfs::path path_;
  bool corrupt_;
  bool durable_;
};

void remove_new_snapshot(GroupPull& g, const stdfs::path& path) {
  if (auto st = fs::remove_tree(path); !st) {
    g.log.logf("cleanup error - {}", st.error().to_string());
  }
}

}  // namespace

Status pull_snapshot(GroupPull& g, const BackupDir& dir, bool corrupt) {
  FERRY_TRY(g.run.check_abort());
  FERRY_TRY_ASSIGN(auto reader, g.run.source().open_reader(g.ns.source, dir));
  FERRY_TRY_ASSIGN(auto snap, g.run.target().create_locked_snapshot(g.ns.target, dir));
  SnapshotPull pull(g, *reader, dir, snap.path, corrupt);
  if (!snap.created) {
    if (corrupt) {
      g.log.logf("re-sync snapshot {} due to corruption", dir.to_string());
    } else {
      g.log.logf("re-sync snapshot {}", dir.to_string());
    }
    return pull.run().map([](Outcome) {});
  }
  g.log.logf("sync snapshot {}", dir.to_string());
  auto outcome = pull.run();
  if (!outcome || *outcome == Outcome::Skipped) {
    // No half snapshots, no empty leftovers (decision S4); the lock dies with the directory.
    remove_new_snapshot(g, snap.path);
    if (!outcome) return tl::unexpected(std::move(outcome).error());
    return ok();
  }
  g.log.logf("sync snapshot {} done", dir.to_string());
  return ok();
}

}  // namespace ferry::sync::internal
