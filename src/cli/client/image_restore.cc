#include "cli/client/image_restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <future>

#include "cli/client/worker_pool.h"
#include "client/backup_reader_client.h"
#include "datastore/data_blob.h"
#include "datastore/fixed_index.h"
#include "datastore/manifest.h"

namespace ferry::cli::client {
namespace {

using datastore::BackupManifest;
using datastore::DataBlob;
using datastore::FixedIndexReader;
using ferry::client::BackupReaderClient;

// The restore target: stdout, a block device, or a new file (removed again unless committed).
class Target {
 public:
  static Result<Target> open(const std::string& path) {
    if (path == "-") return Target(STDOUT_FILENO, path, false);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      if (!S_ISBLK(st.st_mode)) {
        return make_error(Errc::InvalidArgument, "target '{}' already exists", path);
      }
      const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) return open_error(path);
      return Target(fd, path, false);
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return open_error(path);
    return Target(fd, path, true);
  }
  Target(Target&& o) noexcept
      : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)), created_(o.created_) {}
  Target& operator=(Target&&) = delete;
  ~Target() {
    if (fd_ > STDERR_FILENO) ::close(fd_);
    if (created_ && !committed_) ::unlink(path_.c_str());
  }

  Status write(ByteView data) {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(Errc::Io, "write '{}': {}", path_, std::strerror(errno));
      done += static_cast<size_t>(n);
    }
    return ok();
  }

  Status commit() {
    if (fd_ > STDERR_FILENO && ::fsync(fd_) != 0 && errno != EINVAL) {
      return make_error(Errc::Io, "fsync '{}': {}", path_, std::strerror(errno));
    }
    committed_ = true;
    return ok();
  }

 private:
  Target(int fd, std::string path, bool created)
      : fd_(fd), path_(std::move(path)), created_(created) {}
  static tl::unexpected<Error> open_error(const std::string& path) {
    return make_error(Errc::Io, "open target '{}': {}", path, std::strerror(errno));
  }
  int fd_;
  std::string path_;
  bool created_;
  bool committed_ = false;
};

Result<BackupManifest> download_manifest(BackupReaderClient& reader) {
  FERRY_TRY_ASSIGN(Bytes raw, reader.download(datastore::kManifestBlobName));
  FERRY_TRY_ASSIGN(auto blob, DataBlob::from_raw(std::move(raw)));
  FERRY_TRY(blob.verify_crc());
  return BackupManifest::from_blob(blob);
}

Result<FixedIndexReader> download_index(BackupReaderClient& reader,
                                        const ImageRestoreParams& params) {
  FERRY_TRY_ASSIGN(auto manifest, download_manifest(reader));
  const datastore::FileInfo* info = manifest.lookup_file(params.index_name);
  if (info == nullptr) {
    return make_error(Errc::NotFound, "archive '{}' is not part of snapshot '{}'",
                      params.index_name, params.snapshot.to_string());
  }
  if (info->crypt_mode != datastore::CryptMode::None) {
    return make_error(Errc::InvalidArgument, "archive '{}' is encrypted (not supported)",
                      params.index_name);
  }
  FERRY_TRY_ASSIGN(Bytes raw, reader.download(params.index_name));
  FERRY_TRY_ASSIGN(auto index, FixedIndexReader::from_bytes(std::move(raw)));
  if (index.compute_csum() != info->csum || index.index_bytes() != info->size) {
    return make_error(Errc::Corruption, "index '{}' does not match the manifest (checksum or size)",
                      params.index_name);
  }
  return index;
}

// Downloads and verifies one chunk (runs on a worker thread).
Result<Bytes> fetch_chunk(BackupReaderClient& reader, const Digest& digest, uint64_t size) {
  FERRY_TRY_ASSIGN(Bytes raw, reader.download_chunk(digest));
  auto chunk = [&]() -> Result<Bytes> {
    FERRY_TRY_ASSIGN(auto blob, DataBlob::from_raw(std::move(raw)));
    FERRY_TRY(blob.verify_crc());
    if (blob.is_encrypted()) return make_error(Errc::Corruption, "chunk is encrypted");
    FERRY_TRY_ASSIGN(Bytes data, blob.decode(nullptr, &digest));
    if (data.size() != size) {
      return make_error(Errc::Corruption, "chunk has {} bytes, the index says {}", data.size(),
                        size);
    }
    return data;
  }();
  if (!chunk) {
    return make_error(Errc::Corruption, "chunk {}: {}", digest.to_hex(), chunk.error().to_string());
  }
  return chunk;
}

}  // namespace

Result<RestoreStats> run_image_restore(ferry::client::HttpClient& http,
                                       const ImageRestoreParams& params) {
  const auto start = std::chrono::steady_clock::now();
  ferry::client::BackupReaderParams rp{params.store, params.ns, params.snapshot};
  rp.debug = true;
  // The target first: a refused target costs no connection (and a failed start removes it).
  FERRY_TRY_ASSIGN(auto target, Target::open(params.target));
  FERRY_TRY_ASSIGN(auto reader, BackupReaderClient::start(http, rp));
  FERRY_TRY_ASSIGN(auto index, download_index(*reader, params));
  RestoreStats stats;
  stats.size = index.index_bytes();
  stats.chunks = index.index_count();
  {
    // Downloads block their worker, so the pool is as large as the window.
    WorkerPool pool(kRestoreWindow);
    std::deque<std::future<Result<Bytes>>> window;
    ProgressMeter meter(params.index_name, stats.size, params.show_progress);
    size_t next = 0;
    uint64_t written = 0;
    for (size_t i = 0; i < index.index_count(); ++i) {
      while (window.size() < kRestoreWindow && next < index.index_count()) {
        const Digest digest = index.index_digest(next);
        const uint64_t size = index.chunk_range(next).size();
        window.push_back(pool.submit([&reader, digest, size] {
          return fetch_chunk(*reader, digest, size);
        }));
        ++next;
      }
      auto data = window.front().get();
      window.pop_front();
      if (!data) return tl::unexpected(std::move(data).error());
      FERRY_TRY(target.write(*data));
      written += data->size();
      meter.update(written);
    }
  }
  FERRY_TRY(target.commit());
  FERRY_TRY(reader->close());
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace ferry::cli::client
