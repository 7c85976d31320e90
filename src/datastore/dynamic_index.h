// ferry::datastore dynamic index (.didx) — chunk list of a stream cut at content-defined
// boundaries (docs/formats/dynamic-index.md, spec datastore-format §6).
//
//   0   magic 1c 91 4e a5 19 ba b3 cd   8 uuid[16]   24 ctime (i64 LE)   32 index_csum[32]
//   64  zero to 4096, then entries of 40 bytes: end_offset (u64 LE) || digest[32]
//
// Chunk i covers [end_{i-1}, end_i) with end_{-1} = 0. End offsets are strictly increasing,
// so every chunk holds at least one byte; the archive size is the last end offset.
// index_csum = SHA-256 of the raw entry table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "common/digest.h"
#include "datastore/index.h"

namespace ferry::datastore {

inline constexpr size_t kDynamicEntrySize = 40;

// A loaded .didx. Immutable, thread-safe for reads, movable.
class DynamicIndexReader final : public IndexFile {
 public:
  // Reads and parses `path`. Errors as `from_bytes`, plus NotFound/Io/InvalidArgument (too
  // large) from reading; messages name the path. Blocks on file I/O.
  static Result<DynamicIndexReader> open(const std::filesystem::path& path);

  // Parses a whole .didx. Corruption ("invalid dynamic index: ...") when the file is shorter
  // than the header, has the wrong magic, a table that is not a multiple of 40 bytes, or end
  // offsets that are not strictly increasing from 0.
  static Result<DynamicIndexReader> from_bytes(Bytes file);

  size_t index_count() const override { return digests_.size(); }
  const Digest& index_digest(size_t i) const override { return digests_[i]; }
  ChunkRange chunk_range(size_t i) const override;
  uint64_t index_bytes() const override { return ends_.empty() ? 0 : ends_.back(); }
  Digest compute_csum() const override;
  const Digest& stored_csum() const override { return header_.csum; }
  int64_t ctime() const override { return header_.ctime; }
  const IndexUuid& uuid() const override { return header_.uuid; }

  // End offset of entry i (precondition i < index_count()).
  uint64_t chunk_end(size_t i) const { return ends_[i]; }

  // The entry holding archive byte `offset` (binary search) and the offset inside it;
  // nullopt when offset >= index_bytes().
  struct Position {
    size_t index;
    uint64_t offset_in_chunk;
  };
  std::optional<Position> chunk_from_offset(uint64_t offset) const;

 private:
  DynamicIndexReader() = default;

  index_detail::CommonHeader header_;
  std::vector<uint64_t> ends_;
  std::vector<Digest> digests_;
};

// Writes a new .didx by appending chunks in stream order. Entries are streamed to the
// temporary file (buffered) and hashed as they go; the header is written on `close`.
// Owned by one thread; movable.
class DynamicIndexWriter {
 public:
  // Creates "<stem>.tmp_didx" next to `final_path` (truncating a leftover one) and reserves
  // the header. `uuid` defaults to a random v4 uuid. Errors: Io/NotFound/PermissionDenied.
  static Result<DynamicIndexWriter> create(const std::filesystem::path& final_path, int64_t ctime,
                                           std::optional<IndexUuid> uuid = {});

  DynamicIndexWriter(DynamicIndexWriter&&) noexcept = default;
  DynamicIndexWriter& operator=(DynamicIndexWriter&&) noexcept = default;
  // Aborts (removes the temporary file) unless closed.
  ~DynamicIndexWriter() = default;

  // Appends the chunk ending at stream offset `end_offset`. InvalidArgument when the offset is
  // not greater than the previous one (or 0 for the first chunk), when the table would exceed
  // kMaxIndexFileSize, or when the writer is closed. Io when flushing the buffer fails.
  Status add_chunk(uint64_t end_offset, const Digest& digest);

  // Flushes, writes the header, fsyncs, renames onto the final path, fsyncs the directory and
  // returns index_csum. An empty index is allowed. Errors: Io (the temporary file is
  // removed), InvalidArgument when already closed. Durable on success.
  Result<Digest> close();

  // Removes the temporary file; the final path is never touched. Idempotent.
  void abort();

  size_t index_count() const { return count_; }
  uint64_t index_bytes() const { return last_end_; }
  bool is_open() const { return file_.is_open(); }
  const std::filesystem::path& tmp_path() const { return file_.tmp_path(); }

 private:
  DynamicIndexWriter(index_detail::TmpIndexFile file, int64_t ctime, IndexUuid uuid)
      : file_(std::move(file)), ctime_(ctime), uuid_(uuid) {}
  Status flush();

  index_detail::TmpIndexFile file_;
  int64_t ctime_;
  IndexUuid uuid_;
  Sha256 csum_;
  Bytes buffer_;          // entries not yet written
  uint64_t written_ = 0;  // table bytes already in the file
  uint64_t last_end_ = 0;
  size_t count_ = 0;
};

}  // namespace ferry::datastore
