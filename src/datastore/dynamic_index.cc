#include "datastore/dynamic_index.h"

#include <algorithm>
#include <cstring>

#include "common/fs.h"

namespace ferry::datastore {
namespace {

constexpr std::string_view kKind = "dynamic index";
constexpr size_t kFlushThreshold = 64u << 10;  // buffer ~1600 entries per write

void store_entry(uint8_t* out, uint64_t end, const Digest& digest) {
  store_le64(out, end);
  std::memcpy(out + 8, digest.bytes.data(), 32);
}

}  // namespace

Result<DynamicIndexReader> DynamicIndexReader::open(const std::filesystem::path& path) {
  auto opened = [&]() -> Result<DynamicIndexReader> {
    FERRY_TRY_ASSIGN(Bytes raw, fs::read_file(path, kMaxIndexFileSize));
    return from_bytes(std::move(raw));
  }();
  return with_context(std::move(opened), "open dynamic index '{}'", path.string());
}

Result<DynamicIndexReader> DynamicIndexReader::from_bytes(Bytes file) {
  FERRY_TRY_ASSIGN(
      index_detail::CommonHeader header,
      index_detail::parse_common_header(file, kDynamicSizedChunkIndexMagicV1_0, kKind));
  size_t table = file.size() - kIndexHeaderSize;
  if (table % kDynamicEntrySize != 0) {
    return make_error(Errc::Corruption,
                      "invalid {}: entry table of {} bytes is not a multiple of {}", kKind, table,
                      kDynamicEntrySize);
  }
  size_t count = table / kDynamicEntrySize;
  DynamicIndexReader r;
  r.header_ = header;
  r.ends_.resize(count);
  r.digests_.resize(count);
  uint64_t prev = 0;
  const uint8_t* p = file.data() + kIndexHeaderSize;
  for (size_t i = 0; i < count; ++i, p += kDynamicEntrySize) {
    uint64_t end = load_le64(p);
    if (end <= prev) {
      return make_error(Errc::Corruption,
                        "invalid {}: end offset {} of entry {} is not greater than the previous "
                        "end offset {}",
                        kKind, end, i, prev);
    }
    r.ends_[i] = end;
    std::memcpy(r.digests_[i].bytes.data(), p + 8, 32);
    prev = end;
  }
  return r;
}

ChunkRange DynamicIndexReader::chunk_range(size_t i) const {
  return {i == 0 ? 0 : ends_[i - 1], ends_[i]};
}

Digest DynamicIndexReader::compute_csum() const {
  // Re-serialize in batches: one SHA update per entry would cost more than the hashing.
  Sha256 h;
  uint8_t buf[kDynamicEntrySize * 1024];
  size_t fill = 0;
  for (size_t i = 0; i < ends_.size(); ++i) {
    store_entry(buf + fill, ends_[i], digests_[i]);
    fill += kDynamicEntrySize;
    if (fill == sizeof buf) {
      h.update(ByteView(buf, fill));
      fill = 0;
    }
  }
  h.update(ByteView(buf, fill));
  return h.finish();
}

std::optional<DynamicIndexReader::Position> DynamicIndexReader::chunk_from_offset(
    uint64_t offset) const {
  if (offset >= index_bytes()) return std::nullopt;
  // First entry whose end is past `offset`.
  auto it = std::upper_bound(ends_.begin(), ends_.end(), offset);
  size_t i = size_t(it - ends_.begin());
  return Position{i, offset - chunk_range(i).start};
}

Result<DynamicIndexWriter> DynamicIndexWriter::create(const std::filesystem::path& final_path,
                                                      int64_t ctime,
                                                      std::optional<IndexUuid> uuid) {
  FERRY_TRY_ASSIGN(index_detail::TmpIndexFile file,
                   index_detail::TmpIndexFile::create(final_path, "tmp_didx"));
  // Reserve the header now so that entries can be streamed behind it.
  Bytes zero(kIndexHeaderSize, 0);
  FERRY_TRY(file.write_at(0, zero));
  DynamicIndexWriter w(std::move(file), ctime, uuid ? *uuid : index_detail::random_uuid());
  w.buffer_.reserve(kFlushThreshold + kDynamicEntrySize);
  return w;
}

Status DynamicIndexWriter::add_chunk(uint64_t end_offset, const Digest& digest) {
  if (!is_open()) return make_error(Errc::InvalidArgument, "dynamic index writer is closed");
  if (end_offset <= last_end_) {
    return make_error(Errc::InvalidArgument,
                      "dynamic index '{}': end offset {} is not greater than the previous end "
                      "offset {}",
                      file_.final_path().string(), end_offset, last_end_);
  }
  if ((count_ + 1) * kDynamicEntrySize > kMaxIndexFileSize - kIndexHeaderSize) {
    return make_error(Errc::InvalidArgument, "dynamic index '{}': too many entries",
                      file_.final_path().string());
  }
  size_t at = buffer_.size();
  buffer_.resize(at + kDynamicEntrySize);
  store_entry(buffer_.data() + at, end_offset, digest);
  last_end_ = end_offset;
  ++count_;
  if (buffer_.size() >= kFlushThreshold) return flush();
  return ok();
}

Status DynamicIndexWriter::flush() {
  if (buffer_.empty()) return ok();
  csum_.update(buffer_);
  if (auto st = file_.write_at(kIndexHeaderSize + written_, buffer_); !st) {
    file_.abort();  // the hash already covers the lost entries: this writer cannot continue
    return st;
  }
  written_ += buffer_.size();
  buffer_.clear();
  return ok();
}

Result<Digest> DynamicIndexWriter::close() {
  if (!is_open()) return make_error(Errc::InvalidArgument, "dynamic index writer is closed");
  Digest csum;
  auto written = [&]() -> Status {
    FERRY_TRY(flush());
    csum = csum_.finish();
    uint8_t header[64] = {};
    index_detail::store_common_header(header, kDynamicSizedChunkIndexMagicV1_0,
                                      {uuid_, ctime_, csum});
    FERRY_TRY(file_.write_at(0, ByteView(header, sizeof header)));
    return file_.commit();
  }();
  if (!written) {
    file_.abort();
    return tl::unexpected(std::move(written).error());
  }
  return csum;
}

void DynamicIndexWriter::abort() { file_.abort(); }

}  // namespace ferry::datastore
