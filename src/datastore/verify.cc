#include "datastore/verify.h"

#include <chrono>

#include "common/fs.h"
#include "datastore/datastore.h"
#include "datastore/index.h"

namespace ferry::datastore {

namespace stdfs = std::filesystem;
using types::BackupDir;
using types::BackupNamespace;

// ---- VerifyCache --------------------------------------------------------------------------

bool VerifyCache::is_verified(const Digest& d) const {
  std::lock_guard g(mutex_);
  return verified_.count(d) != 0;
}
bool VerifyCache::is_corrupt(const Digest& d) const {
  std::lock_guard g(mutex_);
  return corrupt_.count(d) != 0;
}
void VerifyCache::mark_verified(const Digest& d) {
  std::lock_guard g(mutex_);
  verified_.insert(d);
}
void VerifyCache::mark_corrupt(const Digest& d) {
  std::lock_guard g(mutex_);
  corrupt_.insert(d);
}
size_t VerifyCache::verified_count() const {
  std::lock_guard g(mutex_);
  return verified_.size();
}
size_t VerifyCache::corrupt_count() const {
  std::lock_guard g(mutex_);
  return corrupt_.size();
}

std::string snapshot_display(const BackupNamespace& ns, const BackupDir& dir) {
  return ns.is_root() ? dir.to_string() : (ns.path() / dir.path()).string();
}

namespace {

// State of verifying one snapshot.
class SnapshotVerifier {
 public:
  SnapshotVerifier(Datastore& store, VerifyCache& cache, const VerifyOptions& opts,
                   SnapshotVerifyResult& result)
      : store_(store), cache_(cache), opts_(opts), result_(result) {}

  void log(std::string_view line) const {
    if (opts_.log) opts_.log(line);
  }

  // Checks every manifest entry, logging and recording each failed one.
  void verify_files(const stdfs::path& dir, const BackupManifest& manifest, std::string_view name) {
    log(fmt::format("verify {}", name));
    for (const auto& file : manifest.files) {
      log(fmt::format("  check {}", file.filename));
      if (auto st = verify_file(dir, file); !st) {
        std::string err = st.error().to_string();
        log(fmt::format("verify {}/{} failed: {}", name, file.filename, err));
        result_.errors.push_back(fmt::format("{}: {}", file.filename, err));
      }
    }
  }

 private:
  // Checks one manifest entry; the error names what failed.
  Status verify_file(const stdfs::path& dir, const FileInfo& info) {
    FERRY_TRY_ASSIGN(ArchiveType type, parse_archive_name(info.filename));
    if (type == ArchiveType::Blob) return verify_blob(dir / info.filename, info);
    return verify_index(dir / info.filename, info);
  }

  Status verify_blob(const stdfs::path& path, const FileInfo& info) {
    FERRY_TRY_ASSIGN(Bytes raw,
                     fs::read_file(path, kMaxBlobPlaintextSize + kEncryptedBlobHeaderSize));
    const size_t raw_size = raw.size();
    const Digest csum = sha256(raw);
    FERRY_TRY_ASSIGN(DataBlob blob, DataBlob::from_raw(std::move(raw)));
    FERRY_TRY(blob.verify_crc());
    if (raw_size != info.size) {
      return make_error(Errc::Corruption, "wrong size ({} != {})", info.size, raw_size);
    }
    // PBS-compat: PBS words a blob checksum mismatch like an index one.
    if (csum != info.csum) return make_error(Errc::Corruption, "wrong index checksum");
    if (!blob.is_encrypted()) FERRY_TRY(blob.decode(nullptr));
    return ok();
  }

  Status verify_index(const stdfs::path& path, const FileInfo& info) {
    FERRY_TRY_ASSIGN(auto index, open_index(path));
    if (index->index_bytes() != info.size) {
      return make_error(Errc::Corruption, "wrong size ({} != {})", info.size, index->index_bytes());
    }
    if (index->compute_csum() != info.csum) {
      return make_error(Errc::Corruption, "wrong index checksum");
    }
    auto start = std::chrono::steady_clock::now();
    read_bytes_ = decoded_bytes_ = 0;
    size_t errors = 0;
    for (size_t i = 0; i < index->index_count(); ++i) {
      if (!verify_chunk(index->index_digest(i), index->chunk_range(i).size(), info.crypt_mode)) {
        ++errors;
      }
    }
    log_speed(std::chrono::steady_clock::now() - start, errors);
    if (errors > 0) return make_error(Errc::Corruption, "chunks could not be verified");
    return ok();
  }

  // jobs-and-schedules §7.4. Returns false when the chunk counts as an error.
  bool verify_chunk(const Digest& digest, uint64_t size, CryptMode mode) {
    if (cache_.is_verified(digest)) return true;
    if (cache_.is_corrupt(digest)) {
      log(fmt::format("chunk {} was marked as corrupt", digest.to_hex()));
      result_.corrupt_chunks.push_back(digest);
      return false;
    }
    auto blob = store_.chunk_store().read(digest);
    if (!blob) {
      log(fmt::format("can't verify chunk, load failed - {}", blob.error().to_string()));
      corrupt(digest);
      return false;
    }
    read_bytes_ += blob->raw_size();
    bool want_encrypted = mode == CryptMode::Encrypt;
    if (blob->is_encrypted() != want_encrypted) {
      log(fmt::format("chunk CryptMode {} does not match index CryptMode {}",
                      blob->is_encrypted() ? "encrypt" : "none", crypt_mode_name(mode)));
      return false;
    }
    if (!blob->is_encrypted()) {
      if (auto st = blob->verify_unencrypted(size, digest); !st) {
        log(fmt::format("chunk {}: {}", digest.to_hex(), st.error().to_string()));
        corrupt(digest);
        return false;
      }
    }
    decoded_bytes_ += size;
    cache_.mark_verified(digest);
    return true;
  }

  void corrupt(const Digest& digest) {
    cache_.mark_corrupt(digest);
    result_.corrupt_chunks.push_back(digest);
    auto renamed = store_.chunk_store().rename_corrupt(digest);
    if (!renamed) {
      log(fmt::format("could not rename corrupted chunk \"{}\" - {}",
                      store_.chunk_store().chunk_path(digest).string(),
                      renamed.error().to_string()));
    } else if (*renamed) {
      log(fmt::format("corrupted chunk renamed to \"{}\"", (*renamed)->string()));
    }
  }

  void log_speed(std::chrono::steady_clock::duration elapsed, size_t errors) const {
    double secs = std::chrono::duration<double>(elapsed).count();
    double read_mib = double(read_bytes_) / (1024.0 * 1024.0);
    double decoded_mib = double(decoded_bytes_) / (1024.0 * 1024.0);
    double div = secs > 0 ? secs : 1e-9;
    log(
        fmt::format("  verified {:.2}/{:.2} MiB in {:.2} seconds, speed {:.2}/{:.2} MiB/s ({} "
                    "errors)",
                    read_mib, decoded_mib, secs, read_mib / div, decoded_mib / div, errors));
  }

  Datastore& store_;
  VerifyCache& cache_;
  const VerifyOptions& opts_;
  SnapshotVerifyResult& result_;
  uint64_t read_bytes_ = 0;
  uint64_t decoded_bytes_ = 0;
};

SnapshotVerifyResult skipped(SnapshotVerifyResult r, std::string reason) {
  r.outcome = VerifyOutcome::Skipped;
  r.errors.push_back(std::move(reason));
  return r;
}

}  // namespace

Result<SnapshotVerifyResult> verify_snapshot(Datastore& store, const BackupNamespace& ns,
                                             const BackupDir& dir, VerifyCache& cache,
                                             const VerifyOptions& opts) {
  SnapshotVerifyResult result{ns, dir, VerifyOutcome::Ok, {}, {}};
  SnapshotVerifier verifier(store, cache, opts, result);
  const std::string name = fmt::format("{}:{}", store.name(), snapshot_display(ns, dir));
  const stdfs::path path = store.snapshot_path(ns, dir);

  FERRY_TRY_ASSIGN(bool exists, fs::is_directory(path));
  if (!exists) {
    verifier.log(fmt::format("SKIPPED: verify {} - snapshot does not exist (anymore).", name));
    return skipped(std::move(result), "snapshot does not exist (anymore)");
  }
  auto lock = store.lock_snapshot(ns, dir, LockMode::Shared);
  if (!lock) {
    std::string why = "could not acquire snapshot lock: " + lock.error().to_string();
    verifier.log(fmt::format("SKIPPED: verify {} - {}", name, why));
    return skipped(std::move(result), why);
  }
  auto manifest = store.load_manifest(ns, dir);
  if (!manifest) {
    std::string why = "manifest load error: " + manifest.error().to_string();
    verifier.log(fmt::format("verify {} - {}", name, why));
    result.outcome = VerifyOutcome::Failed;
    result.errors.push_back(std::move(why));
    return result;
  }
  verifier.verify_files(path, *manifest, name);
  if (!result.errors.empty()) result.outcome = VerifyOutcome::Failed;
  SnapshotVerifyState state{result.ok() ? VerifyState::Ok : VerifyState::Failed, opts.upid};
  auto set_state = [&](BackupManifest& m) -> Status {
    m.set_verify_state(state);
    return ok();
  };
  FERRY_TRY(with_context(store.update_manifest(ns, dir, set_state), "verify {}: store verify state",
                         name));
  return result;
}

Result<std::vector<SnapshotVerifyResult>> verify_group(Datastore& store, const BackupNamespace& ns,
                                                       const types::BackupGroup& group,
                                                       VerifyCache& cache,
                                                       const VerifyOptions& opts) {
  FERRY_TRY_ASSIGN(auto snapshots, store.list_snapshots(ns, group));
  if (opts.log) {
    std::string where = ns.is_root() ? group.to_string() : (ns.path() / group.path()).string();
    opts.log(
        fmt::format("verify group {}:{} ({} snapshots)", store.name(), where, snapshots.size()));
  }
  std::vector<SnapshotVerifyResult> out;
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    FERRY_TRY_ASSIGN(auto result, verify_snapshot(store, ns, it->dir, cache, opts));
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace ferry::datastore
