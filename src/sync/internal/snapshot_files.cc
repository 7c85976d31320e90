#include "sync/internal/snapshot_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common/digest.h"
#include "common/fs.h"
#include "datastore/backup_info.h"
#include "datastore/data_blob.h"
#include "datastore/index.h"

namespace ferry::sync::internal {

namespace stdfs = std::filesystem;

stdfs::path tmp_path_for(const stdfs::path& path) {
  stdfs::path out = path;
  out.replace_extension(".tmp");
  return out;
}

Status write_file(const stdfs::path& path, ByteView data, bool durable) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return with_context<void>(errno_error(errno), "create '{}'", path.string());
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return with_context<void>(errno_error(err), "write '{}'", path.string());
    }
    done += size_t(n);
  }
  if (durable && ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return with_context<void>(errno_error(err), "fsync '{}'", path.string());
  }
  if (::close(fd) != 0) return with_context<void>(errno_error(errno), "close '{}'", path.string());
  return ok();
}

Status rename_file(const stdfs::path& from, const stdfs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return with_context<void>(errno_error(errno), "rename '{}' to '{}'", from.string(),
                              to.string());
  }
  return ok();
}

Status check_against_manifest(const datastore::FileInfo& entry, uint64_t actual_size,
                              const Digest& actual_csum) {
  if (actual_size != entry.size) {
    return make_error(Errc::InvalidArgument, "wrong size for file '{}' ({} != {})", entry.filename,
                      entry.size, actual_size);
  }
  if (actual_csum != entry.csum) {
    return make_error(Errc::InvalidArgument, "wrong checksum for file '{}'", entry.filename);
  }
  return ok();
}

Status check_local_file(const stdfs::path& path, const datastore::FileInfo& entry) {
  FERRY_TRY_ASSIGN(auto type, datastore::parse_archive_name(entry.filename));
  if (type == datastore::ArchiveType::Blob) {
    FERRY_TRY_ASSIGN(Bytes data, fs::read_file(path, datastore::kMaxBlobPlaintextSize +
                                                         datastore::kEncryptedBlobHeaderSize));
    return check_against_manifest(entry, data.size(), sha256(data));
  }
  FERRY_TRY_ASSIGN(auto index, datastore::open_index(path));
  return check_against_manifest(entry, index->index_bytes(), index->compute_csum());
}

Status remove_unlisted_files(const stdfs::path& dir, const datastore::BackupManifest& manifest) {
  FERRY_TRY_ASSIGN(auto entries, fs::list_dir(dir));
  for (const auto& e : entries) {
    if (!e.is_regular) continue;
    if (e.name == datastore::kManifestBlobName || e.name == datastore::kClientLogBlobName ||
        e.name == datastore::kProtectedMarkerName || manifest.lookup_file(e.name) != nullptr) {
      continue;
    }
    FERRY_TRY(fs::remove_file(dir / e.name, true));
  }
  return ok();
}

}  // namespace ferry::sync::internal
