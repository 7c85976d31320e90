// ferry::datastore fixed index (.fidx) — chunk list of a block image cut into equal pieces
// (docs/formats/fixed-index.md, spec datastore-format §5).
//
//   0    magic 2f 7f 41 ed 91 fd 0f cd      8  uuid[16]      24 ctime (i64 LE)
//   32   index_csum[32]                     64 size (u64 LE) 72 chunk_size (u64 LE)
//   80   zero to 4096, then ceil(size / chunk_size) digests of 32 bytes
//
// The file is exactly 4096 + 32 * count bytes; index_csum = SHA256(digest_0 || ... ).
// Entry i covers [i * chunk_size, min((i+1) * chunk_size, size)).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "datastore/index.h"

namespace ferry::datastore {

// A loaded .fidx. Immutable, thread-safe for reads, movable.
class FixedIndexReader final : public IndexFile {
 public:
  // Reads and parses `path`. Errors as `from_bytes`, plus NotFound/Io/InvalidArgument (too
  // large) from reading; messages name the path. Blocks on file I/O.
  static Result<FixedIndexReader> open(const std::filesystem::path& path);

  // Parses a whole .fidx. Corruption ("invalid fixed index: ...") when the file is shorter
  // than the header, has the wrong magic, size 0, a chunk_size that is not a power of two, or
  // a length other than 4096 + 32 * ceil(size / chunk_size).
  static Result<FixedIndexReader> from_bytes(Bytes file);

  size_t index_count() const override { return digests_.size(); }
  const Digest& index_digest(size_t i) const override { return digests_[i]; }
  ChunkRange chunk_range(size_t i) const override;
  uint64_t index_bytes() const override { return size_; }
  Digest compute_csum() const override;
  const Digest& stored_csum() const override { return header_.csum; }
  int64_t ctime() const override { return header_.ctime; }
  const IndexUuid& uuid() const override { return header_.uuid; }

  uint64_t chunk_size() const { return chunk_size_; }
  const std::vector<Digest>& digests() const { return digests_; }

  // The entry holding archive byte `offset` and the offset inside that chunk; nullopt when
  // offset >= index_bytes().
  struct Position {
    size_t index;
    uint64_t offset_in_chunk;
  };
  std::optional<Position> chunk_from_offset(uint64_t offset) const;

 private:
  FixedIndexReader() = default;

  index_detail::CommonHeader header_;
  uint64_t size_ = 0;
  uint64_t chunk_size_ = 0;
  std::vector<Digest> digests_;
};

// Writes a new .fidx. The whole table is kept in memory (zero digests until set) and written
// on `close`; entries may be set in any order. Owned by one thread; movable.
class FixedIndexWriter {
 public:
  // Creates "<stem>.tmp_fidx" next to `final_path` (truncating a leftover one).
  // Preconditions checked as InvalidArgument: size > 0, chunk_size a power of two, and the
  // table (ceil(size / chunk_size) entries) within kMaxIndexFileSize. `uuid` defaults to a
  // random v4 uuid. Errors: Io/NotFound/PermissionDenied creating the file. Blocks.
  static Result<FixedIndexWriter> create(const std::filesystem::path& final_path, uint64_t size,
                                         uint64_t chunk_size, int64_t ctime,
                                         std::optional<IndexUuid> uuid = {});

  FixedIndexWriter(FixedIndexWriter&&) noexcept = default;
  FixedIndexWriter& operator=(FixedIndexWriter&&) noexcept = default;
  // Aborts (removes the temporary file) unless closed.
  ~FixedIndexWriter() = default;

  // Sets entry `pos`. InvalidArgument when pos >= index_length() or the writer is closed.
  Status add_digest(size_t pos, const Digest& digest);

  // Copies every entry of `other`, which must have the same size and chunk_size
  // (InvalidArgument otherwise); used for incremental backups that reuse a previous index.
  Status clone_data_from(const FixedIndexReader& other);

  // Writes header and table, fsyncs, renames onto the final path, fsyncs the directory and
  // returns index_csum. Errors: Io (the temporary file is removed), InvalidArgument when
  // already closed or aborted. Durable on success.
  Result<Digest> close();

  // Removes the temporary file; the final path is never touched. Idempotent.
  void abort();

  size_t index_length() const { return digests_.size(); }
  uint64_t size() const { return size_; }
  uint64_t chunk_size() const { return chunk_size_; }
  bool is_open() const { return file_.is_open(); }
  const std::filesystem::path& tmp_path() const { return file_.tmp_path(); }

 private:
  FixedIndexWriter(index_detail::TmpIndexFile file, uint64_t size, uint64_t chunk_size,
                   int64_t ctime, IndexUuid uuid)
      : file_(std::move(file)), size_(size), chunk_size_(chunk_size), ctime_(ctime), uuid_(uuid) {}

  index_detail::TmpIndexFile file_;
  uint64_t size_;
  uint64_t chunk_size_;
  int64_t ctime_;
  IndexUuid uuid_;
  std::vector<Digest> digests_;
};

// ceil(size / chunk_size) without overflow; chunk_size > 0.
inline uint64_t fixed_index_count(uint64_t size, uint64_t chunk_size) {
  return size / chunk_size + (size % chunk_size != 0 ? 1 : 0);
}

}  // namespace ferry::datastore
