// ferry::datastore index files — what the fixed (.fidx) and dynamic (.didx) indexes share
// (docs/formats/fixed-index.md, docs/formats/dynamic-index.md, spec datastore-format §4).
//
// An index lists the chunk digests of one archive in stream order; it never holds data.
// Both kinds start with a 4096-byte header:
//
//   0   magic[8]  8 uuid[16]  24 ctime(i64 LE)  32 index_csum[32]  64 kind-specific / zero
//
// followed by the entry table. `index_csum` is the SHA-256 of the entry table exactly as
// stored; it is also the archive's `csum` in the manifest.
//
// `IndexFile` is the read-only view that verify, sync and GC iterate chunks through, whatever
// the kind; `open_index` picks the reader by magic. Readers load the whole file into memory
// (bounded by kMaxIndexFileSize), are immutable afterwards and safe to share between threads.
//
// Writers (FixedIndexWriter, DynamicIndexWriter) write to "<stem>.tmp_fidx|didx" next to the
// final path and rename on close, so a crash or an abort never leaves a partial final file.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"

namespace ferry::datastore {

// ---- Format constants: never change ----------------------------------------------------
// SHA256("Proxmox Backup fixed sized chunk index v1.0")[0..8]
inline constexpr std::array<uint8_t, 8> kFixedSizedChunkIndexMagicV1_0 = {47,  127, 65, 237,
                                                                          145, 253, 15, 205};
// SHA256("Proxmox Backup dynamic sized chunk index v1.0")[0..8]
inline constexpr std::array<uint8_t, 8> kDynamicSizedChunkIndexMagicV1_0 = {28, 145, 78,  165,
                                                                            25, 186, 179, 205};
inline constexpr size_t kIndexHeaderSize = 4096;
// ---------------------------------------------------------------------------------------

// Our bound on index files (not a PBS limit): a 1 GiB entry table is 32 Mi fixed entries
// (128 TiB at 4 MiB chunks) or ~27 Mi dynamic entries. Larger files are rejected unread.
inline constexpr uint64_t kMaxIndexFileSize = kIndexHeaderSize + (uint64_t(1) << 30);

using IndexUuid = std::array<uint8_t, 16>;

// Byte range [start, end) of the archive covered by one chunk.
struct ChunkRange {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - start; }
  bool operator==(const ChunkRange&) const = default;
};

// Read-only view of a loaded index. Implementations are immutable: thread-safe for reads.
class IndexFile {
 public:
  virtual ~IndexFile();

  // Number of entries (chunks).
  virtual size_t index_count() const = 0;
  // Digest of entry `i`; precondition i < index_count().
  virtual const Digest& index_digest(size_t i) const = 0;
  // Archive bytes covered by entry `i`; precondition i < index_count().
  virtual ChunkRange chunk_range(size_t i) const = 0;
  // Logical archive size (the manifest `size`).
  virtual uint64_t index_bytes() const = 0;
  // SHA-256 of the entry table as it would be stored; compare with stored_csum().
  virtual Digest compute_csum() const = 0;
  // Header fields.
  virtual const Digest& stored_csum() const = 0;
  virtual int64_t ctime() const = 0;
  virtual const IndexUuid& uuid() const = 0;
};

// Opens a .fidx or .didx file, choosing the reader by the magic (not the extension).
// Errors: NotFound/Io (file), InvalidArgument (larger than kMaxIndexFileSize), Corruption
// (unknown magic or a malformed file); messages name the path. Blocks on file I/O.
Result<std::unique_ptr<IndexFile>> open_index(const std::filesystem::path& path);

// Plumbing shared by the two index kinds; not part of the public surface.
namespace index_detail {

// The common header fields of a parsed index.
struct CommonHeader {
  IndexUuid uuid{};
  int64_t ctime = 0;
  Digest csum;
};

// Checks size >= 4096 and the magic; returns the common header fields. Corruption otherwise.
Result<CommonHeader> parse_common_header(ByteView file, const std::array<uint8_t, 8>& magic,
                                         std::string_view kind);

// Writes magic, uuid, ctime and csum into the first 64 bytes of `header` (>= 64 bytes).
void store_common_header(uint8_t* header, const std::array<uint8_t, 8>& magic,
                         const CommonHeader& h);

// A fresh random (version 4) uuid.
IndexUuid random_uuid();

// "<dir>/<stem>.<tmp_ext>" for "<dir>/<stem>.<ext>".
std::filesystem::path tmp_path_for(const std::filesystem::path& final_path,
                                   std::string_view tmp_ext);

// The temporary file of an index writer. Created (truncating) on `create`; `commit` fsyncs,
// renames it onto the final path and fsyncs the directory; destroying it uncommitted
// unlinks it. Movable, not copyable. Blocks on file I/O.
class TmpIndexFile {
 public:
  static Result<TmpIndexFile> create(std::filesystem::path final_path, std::string_view tmp_ext);
  TmpIndexFile(TmpIndexFile&& other) noexcept;
  TmpIndexFile& operator=(TmpIndexFile&& other) noexcept;
  ~TmpIndexFile();

  Status write_at(uint64_t offset, ByteView data);
  Status commit();
  void abort();
  bool is_open() const { return fd_ >= 0; }
  const std::filesystem::path& tmp_path() const { return tmp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  TmpIndexFile(int fd, std::filesystem::path tmp, std::filesystem::path final_path)
      : fd_(fd), tmp_path_(std::move(tmp)), final_path_(std::move(final_path)) {}
  int fd_ = -1;
  std::filesystem::path tmp_path_;
  std::filesystem::path final_path_;
};

}  // namespace index_detail
}  // namespace ferry::datastore
