// ferry::datastore::ChunkStore — the deduplicated chunk files of one datastore
// (docs/formats/chunk-store.md, spec datastore-format §1.1, §1.2, §12.1).
//
// On disk, below the datastore base directory:
//
//   .lock                 empty file; the process-wide record lock (process_locker.h)
//   .chunks/0000 … ffff   65536 prefix directories, created up front, mode 0750
//   .chunks/ba78/ba7816bf…15ad          one data blob per chunk, named by its 64-hex digest
//   .chunks/ba78/ba7816bf…15ad.0.bad    a chunk verification found corrupt (up to .9.bad)
//
// A chunk file is written atomically (mkstemp "<digest>.tmp_XXXXXX" + rename), so its final
// name only ever holds complete data. Its *atime* is the garbage collector's mark: inserting an
// existing chunk and GC phase 1 set it to "now" (mtime untouched).
//
// Concurrency: a ChunkStore is safe for concurrent use by many threads. Inserts of the same
// digest are serialized in-process by a striped mutex (GC takes the same stripe through
// `lock_chunk` before it sweeps a file), and race benignly across processes: every writer
// renames a complete file onto the final name. Open one ChunkStore per store and process and
// share it; the `.lock` record lock is per instance.
//
// All functions block on file I/O: call them off I/O threads.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/digest.h"
#include "common/result.h"
#include "datastore/data_blob.h"
#include "datastore/process_locker.h"

namespace ferry::datastore {

// When chunk data is made durable (PBS datastore tuning `sync-level`).
//   None:       never fsync; rely on the kernel.
//   File:       fsync every chunk file before its rename and its prefix directory after.
//   Filesystem: no per-chunk fsync; `sync_filesystem()` (syncfs) at the end of a backup.
enum class SyncLevel { None, File, Filesystem };

struct ChunkStoreOptions {
  SyncLevel sync_level = SyncLevel::File;
  // Time source for lock bookkeeping; nullptr = the system clock. Must outlive the store.
  const Clock* clock = nullptr;
};

// Outcome of `insert`: whether an (acceptable) chunk file was already there, and the size of
// the chunk file now stored under the digest (PBS returns the same pair).
struct InsertResult {
  bool existed = false;
  uint64_t stored_size = 0;
};

// A name found in a prefix directory, as GC iterates them (spec §1.1): the 64-hex digest,
// optionally followed by ".<n>.bad".
struct ChunkFileName {
  Digest digest;
  std::optional<int> bad_index;  // n of "<digest>.<n>.bad"
};
// nullopt for anything else (temp files, junk). Never fails.
std::optional<ChunkFileName> parse_chunk_file_name(std::string_view name);

inline constexpr size_t kChunkPrefixCount = 65536;
inline constexpr mode_t kChunkDirMode = 0750;
inline constexpr mode_t kChunkFileMode = 0644;

class ChunkStore {
 public:
  // Creates a chunk store at `base` (an absolute path; created if missing, must otherwise be
  // empty apart from `lost+found`): `.chunks`, all 65536 prefix directories (0750) and
  // `.lock` (0644), then opens it. Errors: InvalidArgument (bad name, relative path, non-empty
  // directory), AlreadyExists (already a datastore), Io/PermissionDenied. Blocks ~1 s.
  // Durable: the directories are fsync'ed.
  static Result<ChunkStore> create(std::string_view name, const std::filesystem::path& base,
                                   const ChunkStoreOptions& opts = {});

  // Opens an existing chunk store: `.chunks` and its first and last prefix directory must
  // exist; `.lock` is created (0644) if missing, as PBS does. Errors: InvalidArgument (bad name
  // or relative path), NotFound ("... is not a datastore"), Io.
  static Result<ChunkStore> open(std::string_view name, const std::filesystem::path& base,
                                 const ChunkStoreOptions& opts = {});

  ChunkStore(ChunkStore&&) noexcept;
  ChunkStore& operator=(ChunkStore&&) noexcept;
  ~ChunkStore();

  const std::string& name() const;
  const std::filesystem::path& base() const;
  std::filesystem::path chunk_dir() const { return base() / ".chunks"; }
  SyncLevel sync_level() const;

  // "<base>/.chunks/<first 4 hex>/<64 hex>". Never fails.
  std::filesystem::path chunk_path(const Digest& digest) const;

  // Stores `chunk` (already encoded, CRC fixed by the caller) under `digest` following the
  // rules of spec §1.2: a file of the same size is a duplicate (atime touched, nothing
  // written); an empty file is overwritten; an encrypted chunk never replaces an unencrypted
  // one, nor an uncompressed encrypted one of different size (Conflict); otherwise the
  // smaller of the two encodings is kept. The digest is *not* checked against the data here.
  // Errors: Conflict (the encrypted cases above), Corruption (the chunk path is not a regular
  // file), Io. Durable per the sync level.
  Result<InsertResult> insert(const Digest& digest, const DataBlob& chunk);

  // Loads a chunk and checks its header and CRC. Errors: NotFound, Io, Corruption;
  // InvalidArgument for a file larger than kMaxEncodedChunkSize (never read into memory).
  Result<DataBlob> read(const Digest& digest) const;

  // Whether a chunk file (not a .bad one) exists. Io on errors other than "missing".
  Result<bool> exists(const Digest& digest) const;

  // Sets the chunk file's atime to now, mtime untouched (the GC mark). NotFound if missing.
  Status touch(const Digest& digest) const;

  // Renames a corrupt chunk to "<digest>.<n>.bad" in its prefix directory, n the smallest of
  // 0..8 not yet taken, else 9 (overwritten). Returns the new path, or nullopt when the chunk
  // file does not exist. Errors: Io.
  Result<std::optional<std::filesystem::path>> rename_corrupt(const Digest& digest);

  // syncfs() on the store's filesystem (SyncLevel::Filesystem at backup finish). Errors: Io.
  Status sync_filesystem() const;

  // The in-process lock serializing insert/touch/rename of chunks in the digest's stripe;
  // GC holds it while it decides to unlink a chunk file.
  [[nodiscard]] std::unique_lock<std::mutex> lock_chunk(const Digest& digest) const;

  // The `.lock` record lock (spec §12.1): writers take shared guards, GC the exclusive one.
  Result<ProcessLocker::SharedGuard> try_shared_lock();
  Result<ProcessLocker::ExclusiveGuard> try_exclusive_lock();
  // Start time (epoch s) of the oldest shared guard of this instance; nullopt if none.
  std::optional<int64_t> oldest_writer() const;

 private:
  struct State;
  explicit ChunkStore(std::unique_ptr<State> state);
  Result<InsertResult> insert_locked(const Digest& digest, const DataBlob& chunk,
                                     const std::filesystem::path& path);
  Status write_chunk(const std::filesystem::path& path, const DataBlob& chunk);

  std::unique_ptr<State> state_;
};

}  // namespace ferry::datastore
