#include "datastore/index.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/check.h"
#include "common/fault.h"
#include "common/fs.h"
#include "common/hex.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"

namespace ferry::datastore {

IndexFile::~IndexFile() = default;

Result<std::unique_ptr<IndexFile>> open_index(const std::filesystem::path& path) {
  auto opened = [&]() -> Result<std::unique_ptr<IndexFile>> {
    FERRY_TRY_ASSIGN(Bytes raw, fs::read_file(path, kMaxIndexFileSize));
    if (raw.size() >= 8) {
      if (std::memcmp(raw.data(), kFixedSizedChunkIndexMagicV1_0.data(), 8) == 0) {
        FERRY_TRY_ASSIGN(FixedIndexReader r, FixedIndexReader::from_bytes(std::move(raw)));
        return std::make_unique<FixedIndexReader>(std::move(r));
      }
      if (std::memcmp(raw.data(), kDynamicSizedChunkIndexMagicV1_0.data(), 8) == 0) {
        FERRY_TRY_ASSIGN(DynamicIndexReader r, DynamicIndexReader::from_bytes(std::move(raw)));
        return std::make_unique<DynamicIndexReader>(std::move(r));
      }
      return make_error(Errc::Corruption, "not an index file: unknown magic {}",
                        to_hex(ByteView(raw).first(8)));
    }
    return make_error(Errc::Corruption, "not an index file: only {} bytes", raw.size());
  }();
  return with_context(std::move(opened), "open index '{}'", path.string());
}

namespace index_detail {

Result<CommonHeader> parse_common_header(ByteView file, const std::array<uint8_t, 8>& magic,
                                         std::string_view kind) {
  if (file.size() < kIndexHeaderSize) {
    return make_error(Errc::Corruption, "invalid {}: {} bytes is shorter than the {}-byte header",
                      kind, file.size(), kIndexHeaderSize);
  }
  if (std::memcmp(file.data(), magic.data(), magic.size()) != 0) {
    return make_error(Errc::Corruption, "invalid {}: wrong magic {}", kind, to_hex(file.first(8)));
  }
  CommonHeader h;
  std::memcpy(h.uuid.data(), file.data() + 8, h.uuid.size());
  h.ctime = int64_t(load_le64(file.data() + 24));
  h.csum = Digest::from_bytes(file.subspan(32, 32));
  return h;
}

void store_common_header(uint8_t* header, const std::array<uint8_t, 8>& magic,
                         const CommonHeader& h) {
  std::memcpy(header, magic.data(), magic.size());
  std::memcpy(header + 8, h.uuid.data(), h.uuid.size());
  store_le64(header + 24, uint64_t(h.ctime));
  std::memcpy(header + 32, h.csum.bytes.data(), 32);
}

IndexUuid random_uuid() {
  IndexUuid u{};
  FERRY_CHECK(RAND_bytes(u.data(), int(u.size())) == 1, "random uuid generation failed");
  u[6] = uint8_t((u[6] & 0x0f) | 0x40);  // version 4
  u[8] = uint8_t((u[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return u;
}

std::filesystem::path tmp_path_for(const std::filesystem::path& final_path,
                                   std::string_view tmp_ext) {
  std::filesystem::path p = final_path;
  p.replace_extension(std::filesystem::path(tmp_ext));  // adds the '.' itself
  return p;
}

Result<TmpIndexFile> TmpIndexFile::create(std::filesystem::path final_path,
                                          std::string_view tmp_ext) {
  std::filesystem::path tmp = tmp_path_for(final_path, tmp_ext);
  // PBS-compat: PBS also truncates a leftover temp file of the same name (spec §1.5).
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return with_context<TmpIndexFile>(errno_error(errno), "create '{}'", tmp.string());
  return TmpIndexFile(fd, std::move(tmp), std::move(final_path));
}

TmpIndexFile::TmpIndexFile(TmpIndexFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      tmp_path_(std::move(other.tmp_path_)),
      final_path_(std::move(other.final_path_)) {}

TmpIndexFile& TmpIndexFile::operator=(TmpIndexFile&& other) noexcept {
  if (this != &other) {
    abort();
    fd_ = std::exchange(other.fd_, -1);
    tmp_path_ = std::move(other.tmp_path_);
    final_path_ = std::move(other.final_path_);
  }
  return *this;
}

TmpIndexFile::~TmpIndexFile() { abort(); }

Status TmpIndexFile::write_at(uint64_t offset, ByteView data) {
  FERRY_CHECK(fd_ >= 0, "write to a closed index file");
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, off_t(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return with_context<void>(errno_error(errno), "write '{}'", tmp_path_.string());
    }
    done += size_t(n);
  }
  return ok();
}

Status TmpIndexFile::commit() {
  FERRY_CHECK(fd_ >= 0, "commit of a closed index file");
  if (::fsync(fd_) != 0) {
    return with_context<void>(errno_error(errno), "fsync '{}'", tmp_path_.string());
  }
  FERRY_FAULT_POINT("index_writer.before_rename");
  // Rename before close: until the rename the temp name is ours, and close cannot lose data
  // that fsync already made durable.
  if (::rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
    return with_context<void>(errno_error(errno), "rename '{}' to '{}'", tmp_path_.string(),
                              final_path_.string());
  }
  ::close(std::exchange(fd_, -1));
  FERRY_FAULT_POINT("index_writer.renamed");
  std::filesystem::path dir = final_path_.parent_path();
  return fs::fsync_dir(dir.empty() ? std::filesystem::path(".") : dir);
}

void TmpIndexFile::abort() {
  if (fd_ < 0) return;
  ::close(std::exchange(fd_, -1));
  ::unlink(tmp_path_.c_str());
}

}  // namespace index_detail
}  // namespace ferry::datastore
