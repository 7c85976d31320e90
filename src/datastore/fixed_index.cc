#include "datastore/fixed_index.h"

#include <cstring>

#include "common/fs.h"

namespace ferry::datastore {
namespace {

// The entry table is hashed and written straight from the vector.
static_assert(sizeof(Digest) == 32, "Digest must be exactly its 32 bytes");

constexpr std::string_view kKind = "fixed index";

bool is_power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

ByteView table_bytes(const std::vector<Digest>& digests) {
  return {reinterpret_cast<const uint8_t*>(digests.data()), digests.size() * sizeof(Digest)};
}

}  // namespace

Result<FixedIndexReader> FixedIndexReader::open(const std::filesystem::path& path) {
  auto opened = [&]() -> Result<FixedIndexReader> {
    FERRY_TRY_ASSIGN(Bytes raw, fs::read_file(path, kMaxIndexFileSize));
    return from_bytes(std::move(raw));
  }();
  return with_context(std::move(opened), "open fixed index '{}'", path.string());
}

Result<FixedIndexReader> FixedIndexReader::from_bytes(Bytes file) {
  FERRY_TRY_ASSIGN(index_detail::CommonHeader header,
                   index_detail::parse_common_header(file, kFixedSizedChunkIndexMagicV1_0, kKind));
  uint64_t size = load_le64(file.data() + 64);
  uint64_t chunk_size = load_le64(file.data() + 72);
  if (size == 0) return make_error(Errc::Corruption, "invalid {}: size is 0", kKind);
  if (!is_power_of_two(chunk_size)) {
    return make_error(Errc::Corruption, "invalid {}: chunk size {} is not a power of two", kKind,
                      chunk_size);
  }
  uint64_t count = fixed_index_count(size, chunk_size);
  uint64_t table = file.size() - kIndexHeaderSize;
  // Compare as count vs table/32 so that a huge `size` cannot overflow 32 * count.
  if (table % 32 != 0 || table / 32 != count) {
    return make_error(Errc::Corruption,
                      "invalid {}: file size {} does not match 4096 + 32 * {} entries (size {}, "
                      "chunk size {})",
                      kKind, file.size(), count, size, chunk_size);
  }
  FixedIndexReader r;
  r.header_ = header;
  r.size_ = size;
  r.chunk_size_ = chunk_size;
  r.digests_.resize(size_t(count));
  std::memcpy(r.digests_.data(), file.data() + kIndexHeaderSize, size_t(table));
  return r;
}

ChunkRange FixedIndexReader::chunk_range(size_t i) const {
  uint64_t start = uint64_t(i) * chunk_size_;
  // Written so that start + chunk_size cannot wrap for sizes near 2^64.
  uint64_t end = size_ - start > chunk_size_ ? start + chunk_size_ : size_;
  return {start, end};
}

Digest FixedIndexReader::compute_csum() const { return sha256(table_bytes(digests_)); }

std::optional<FixedIndexReader::Position> FixedIndexReader::chunk_from_offset(
    uint64_t offset) const {
  if (offset >= size_) return std::nullopt;
  return Position{size_t(offset / chunk_size_), offset & (chunk_size_ - 1)};
}

Result<FixedIndexWriter> FixedIndexWriter::create(const std::filesystem::path& final_path,
                                                  uint64_t size, uint64_t chunk_size, int64_t ctime,
                                                  std::optional<IndexUuid> uuid) {
  if (size == 0) {
    return make_error(Errc::InvalidArgument, "create fixed index '{}': size is 0",
                      final_path.string());
  }
  if (!is_power_of_two(chunk_size)) {
    return make_error(Errc::InvalidArgument,
                      "create fixed index '{}': chunk size {} is not a power of two",
                      final_path.string(), chunk_size);
  }
  uint64_t count = fixed_index_count(size, chunk_size);
  if (count > (kMaxIndexFileSize - kIndexHeaderSize) / 32) {
    return make_error(Errc::InvalidArgument,
                      "create fixed index '{}': {} entries exceed the index size limit",
                      final_path.string(), count);
  }
  FERRY_TRY_ASSIGN(index_detail::TmpIndexFile file,
                   index_detail::TmpIndexFile::create(final_path, "tmp_fidx"));
  FixedIndexWriter w(std::move(file), size, chunk_size, ctime,
                     uuid ? *uuid : index_detail::random_uuid());
  w.digests_.resize(size_t(count));
  return w;
}

Status FixedIndexWriter::add_digest(size_t pos, const Digest& digest) {
  if (!is_open()) return make_error(Errc::InvalidArgument, "fixed index writer is closed");
  if (pos >= digests_.size()) {
    return make_error(Errc::InvalidArgument, "fixed index '{}': entry {} out of range (count {})",
                      file_.final_path().string(), pos, digests_.size());
  }
  digests_[pos] = digest;
  return ok();
}

Status FixedIndexWriter::clone_data_from(const FixedIndexReader& other) {
  if (!is_open()) return make_error(Errc::InvalidArgument, "fixed index writer is closed");
  if (other.index_bytes() != size_ || other.chunk_size() != chunk_size_) {
    return make_error(Errc::InvalidArgument,
                      "fixed index '{}': cannot clone from an index of size {} / chunk size {} "
                      "(this one: {} / {})",
                      file_.final_path().string(), other.index_bytes(), other.chunk_size(), size_,
                      chunk_size_);
  }
  digests_ = other.digests();
  return ok();
}

Result<Digest> FixedIndexWriter::close() {
  if (!is_open()) return make_error(Errc::InvalidArgument, "fixed index writer is closed");
  index_detail::CommonHeader h{uuid_, ctime_, sha256(table_bytes(digests_))};
  Bytes header(kIndexHeaderSize, 0);
  index_detail::store_common_header(header.data(), kFixedSizedChunkIndexMagicV1_0, h);
  store_le64(header.data() + 64, size_);
  store_le64(header.data() + 72, chunk_size_);
  auto written = [&]() -> Status {
    FERRY_TRY(file_.write_at(0, header));
    FERRY_TRY(file_.write_at(kIndexHeaderSize, table_bytes(digests_)));
    return file_.commit();
  }();
  if (!written) {
    file_.abort();
    return tl::unexpected(std::move(written).error());
  }
  return h.csum;
}

void FixedIndexWriter::abort() { file_.abort(); }

}  // namespace ferry::datastore
