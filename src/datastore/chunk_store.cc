#include "datastore/chunk_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "common/fs.h"
#include "common/hex.h"
#include "types/names.h"

namespace ferry::datastore {

namespace stdfs = std::filesystem;

struct ChunkStore::State {
  std::string name;
  stdfs::path base;
  SyncLevel sync_level = SyncLevel::File;
  std::shared_ptr<ProcessLocker> locker;
  // 256 stripes keyed by the digest's first byte: inserts of different chunks rarely wait on
  // each other, inserts of the same chunk always do.
  mutable std::array<std::mutex, 256> stripes;
};

namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

Status check_base(std::string_view name, const stdfs::path& base) {
  FERRY_TRY(types::validate_datastore_name(name));
  if (!base.is_absolute()) {
    return make_error(Errc::InvalidArgument, "datastore path '{}' is not absolute", base.string());
  }
  return ok();
}

// The base may exist (a mount point), but then only with `lost+found` in it.
Status check_empty_base(const stdfs::path& base) {
  FERRY_TRY(fs::make_dirs(base, 0755));
  FERRY_TRY_ASSIGN(auto entries, fs::list_dir(base));
  for (const auto& e : entries) {
    if (e.name == ".chunks" || e.name == ".lock") {
      return make_error(Errc::AlreadyExists, "'{}' is already a datastore", base.string());
    }
  }
  for (const auto& e : entries) {
    if (e.name != "lost+found") {
      return make_error(Errc::InvalidArgument, "datastore path '{}' is not empty (found '{}')",
                        base.string(), e.name);
    }
  }
  return ok();
}

// mkdirat relative to the open `.chunks` directory: one syscall per prefix, no path lookups.
Status make_prefix_dirs(const stdfs::path& chunk_dir) {
  Fd dir{::open(chunk_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0) {
    return with_context<void>(errno_error(errno), "open '{}'", chunk_dir.string());
  }
  char name[8];
  for (size_t i = 0; i < kChunkPrefixCount; ++i) {
    std::snprintf(name, sizeof name, "%04zx", i);
    if (::mkdirat(dir.fd, name, kChunkDirMode) != 0 && errno != EEXIST) {
      return with_context<void>(errno_error(errno), "mkdir '{}/{}'", chunk_dir.string(), name);
    }
  }
  // A restrictive umask may have cut the mode: fix it everywhere (rare, so not optimized).
  struct stat st {};
  if (::fstatat(dir.fd, "0000", &st, 0) == 0 && (st.st_mode & 07777) != kChunkDirMode) {
    for (size_t i = 0; i < kChunkPrefixCount; ++i) {
      std::snprintf(name, sizeof name, "%04zx", i);
      if (::fchmodat(dir.fd, name, kChunkDirMode, 0) != 0) {
        return with_context<void>(errno_error(errno), "chmod '{}/{}'", chunk_dir.string(), name);
      }
    }
  }
  if (::fsync(dir.fd) != 0) {
    return with_context<void>(errno_error(errno), "fsync '{}'", chunk_dir.string());
  }
  return ok();
}

// `.lock`: empty, 0644 regardless of umask. An existing file is left alone.
Status ensure_lock_file(const stdfs::path& path) {
  Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644)};
  if (f.fd < 0) return with_context<void>(errno_error(errno), "create '{}'", path.string());
  struct stat st {};
  if (::fstat(f.fd, &st) == 0 && (st.st_mode & 07777) != 0644 && st.st_size == 0) {
    ::fchmod(f.fd, 0644);
  }
  return ok();
}

Status require_dir(const stdfs::path& path, std::string_view what, const stdfs::path& base) {
  auto is_dir = fs::is_directory(path);
  if (!is_dir) return tl::unexpected(std::move(is_dir).error());
  if (!*is_dir) {
    return make_error(Errc::NotFound, "'{}' is not a datastore: {} '{}' is missing", base.string(),
                      what, path.string());
  }
  return ok();
}

bool is_unencrypted_magic(const uint8_t* magic) {
  return std::equal(magic, magic + 8, kUncompressedBlobMagicV1_0.begin()) ||
         std::equal(magic, magic + 8, kCompressedBlobMagicV1_0.begin());
}

Result<std::array<uint8_t, 8>> read_magic(const stdfs::path& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return with_context<std::array<uint8_t, 8>>(errno_error(errno), "open");
  std::array<uint8_t, 8> magic{};
  ssize_t n = ::pread(f.fd, magic.data(), magic.size(), 0);
  if (n < 0) return with_context<std::array<uint8_t, 8>>(errno_error(errno), "read");
  if (n != 8) return make_error(Errc::Io, "short read of chunk magic");
  return magic;
}

// Spec §1.2 rule 5: may an encrypted chunk of another size meet the existing file?
Status check_encrypted_replacement(const stdfs::path& path, const DataBlob& chunk,
                                   uint64_t old_size) {
  FERRY_TRY_ASSIGN(auto magic, read_magic(path));
  if (is_unencrypted_magic(magic.data())) {
    // The digest of an encrypted chunk includes key material: it can never equal the digest
    // of an unencrypted one.
    return make_error(Errc::Conflict,
                      "refusing to overwrite unencrypted chunk with encrypted chunk of the same "
                      "digest");
  }
  if (magic == kEncryptedBlobMagicV1_0 && !chunk.is_compressed()) {
    // Both uncompressed and encrypted: same plaintext means same size, so one is invalid.
    return make_error(Errc::Conflict,
                      "refusing to overwrite encrypted chunk: both uncompressed, sizes differ "
                      "({} != {})",
                      old_size, chunk.raw().size());
  }
  return ok();
}

}  // namespace

std::optional<ChunkFileName> parse_chunk_file_name(std::string_view name) {
  if (name.size() != 64 && name.size() != 70) return std::nullopt;
  if (!std::all_of(name.begin(), name.begin() + 64, is_hex_digit)) return std::nullopt;
  auto digest = Digest::from_hex(name.substr(0, 64));
  if (!digest) return std::nullopt;
  ChunkFileName out{*digest, std::nullopt};
  if (name.size() == 70) {
    std::string_view tail = name.substr(64);
    if (tail[0] != '.' || tail[1] < '0' || tail[1] > '9' || tail.substr(2) != ".bad") {
      return std::nullopt;
    }
    out.bad_index = tail[1] - '0';
  }
  return out;
}

ChunkStore::ChunkStore(std::unique_ptr<State> state) : state_(std::move(state)) {}
ChunkStore::ChunkStore(ChunkStore&&) noexcept = default;
ChunkStore& ChunkStore::operator=(ChunkStore&&) noexcept = default;
ChunkStore::~ChunkStore() = default;

Result<ChunkStore> ChunkStore::create(std::string_view name, const stdfs::path& base,
                                      const ChunkStoreOptions& opts) {
  auto run = [&]() -> Status {
    FERRY_TRY(check_base(name, base));
    FERRY_TRY(check_empty_base(base));
    stdfs::path chunk_dir = base / ".chunks";
    FERRY_TRY(fs::make_dir(chunk_dir, kChunkDirMode));
    if (::chmod(chunk_dir.c_str(), kChunkDirMode) != 0) {
      return with_context<void>(errno_error(errno), "chmod '{}'", chunk_dir.string());
    }
    FERRY_TRY(make_prefix_dirs(chunk_dir));
    // `.lock` last: its presence plus `.chunks/ffff` marks a complete store.
    FERRY_TRY(ensure_lock_file(base / ".lock"));
    return fs::fsync_dir(base);
  };
  if (auto st = run(); !st) {
    return with_context<ChunkStore>(tl::unexpected(std::move(st).error()),
                                    "create chunk store '{}' at '{}' failed", name, base.string());
  }
  return open(name, base, opts);
}

Result<ChunkStore> ChunkStore::open(std::string_view name, const stdfs::path& base,
                                    const ChunkStoreOptions& opts) {
  auto run = [&]() -> Status {
    FERRY_TRY(check_base(name, base));
    FERRY_TRY(require_dir(base, "directory", base));
    FERRY_TRY(require_dir(base / ".chunks", "chunk directory", base));
    FERRY_TRY(require_dir(base / ".chunks/0000", "chunk prefix directory", base));
    FERRY_TRY(require_dir(base / ".chunks/ffff", "chunk prefix directory", base));
    return ensure_lock_file(base / ".lock");
  };
  if (auto st = run(); !st) {
    return with_context<ChunkStore>(tl::unexpected(std::move(st).error()),
                                    "unable to open chunk store '{}' at '{}'", name, base.string());
  }
  auto state = std::make_unique<State>();
  state->name = std::string(name);
  state->base = base;
  state->sync_level = opts.sync_level;
  const Clock& clock = opts.clock ? *opts.clock : SystemClock::instance();
  state->locker = ProcessLocker::create(base / ".lock", clock);
  return ChunkStore(std::move(state));
}

const std::string& ChunkStore::name() const { return state_->name; }
const stdfs::path& ChunkStore::base() const { return state_->base; }
SyncLevel ChunkStore::sync_level() const { return state_->sync_level; }

stdfs::path ChunkStore::chunk_path(const Digest& digest) const {
  std::string hex = digest.to_hex();
  return state_->base / ".chunks" / hex.substr(0, 4) / hex;
}

std::unique_lock<std::mutex> ChunkStore::lock_chunk(const Digest& digest) const {
  return std::unique_lock(state_->stripes[digest.bytes[0]]);
}

Result<InsertResult> ChunkStore::insert(const Digest& digest, const DataBlob& chunk) {
  stdfs::path path = chunk_path(digest);
  auto guard = lock_chunk(digest);
  return with_context(insert_locked(digest, chunk, path), "insert chunk {} into store '{}' failed",
                      digest.to_hex(), name());
}

// The rules of spec §1.2, in its order. Called with the digest's stripe locked.
Result<InsertResult> ChunkStore::insert_locked(const Digest& digest, const DataBlob& chunk,
                                               const stdfs::path& path) {
  const uint64_t new_size = chunk.raw().size();
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return with_context<InsertResult>(errno_error(errno), "stat");
    FERRY_TRY(write_chunk(path, chunk));
    return InsertResult{false, new_size};
  }
  if (!S_ISREG(st.st_mode)) {
    return make_error(Errc::Corruption, "unexpected file type at '{}'", path.string());
  }
  const uint64_t old_size = uint64_t(st.st_size);
  auto keep_existing = [&]() -> Result<InsertResult> {
    FERRY_TRY(touch(digest));
    return InsertResult{true, old_size};
  };
  if (old_size == new_size) return keep_existing();
  // An empty file is a leftover of a crash without fsync. A file too short to hold a magic
  // cannot be a chunk either; PBS would fail reading its magic below, we repair it instead.
  if (old_size < 8) {
    spdlog::warn("found truncated chunk '{}' ({} bytes) in store '{}', overwriting",
                 digest.to_hex(), old_size, name());
  } else if (chunk.is_encrypted()) {
    // Different sizes under one digest: a hash collision, an attack, or just another zstd.
    FERRY_TRY(check_encrypted_replacement(path, chunk, old_size));
    // Compression can legitimately differ; keep the first upload (verify catches bit rot).
    return keep_existing();
  } else if (old_size < new_size) {
    return keep_existing();
  }
  FERRY_TRY(write_chunk(path, chunk));
  return InsertResult{false, new_size};
}

Status ChunkStore::write_chunk(const stdfs::path& path, const DataBlob& chunk) {
  fs::ReplaceOptions opts{.mode = kChunkFileMode, .fsync = state_->sync_level == SyncLevel::File};
  return fs::atomic_replace(path, ByteView(chunk.raw()), opts);
}

Result<DataBlob> ChunkStore::read(const Digest& digest) const {
  // A chunk is at most 16 MiB + header; a larger file is corrupt and is not read into memory.
  return with_context(DataBlob::load(chunk_path(digest), kMaxEncodedChunkSize),
                      "load chunk {} from store '{}'",
                      digest.to_hex(), name());
}

Result<bool> ChunkStore::exists(const Digest& digest) const {
  return fs::exists(chunk_path(digest));
}

Status ChunkStore::touch(const Digest& digest) const {
  stdfs::path path = chunk_path(digest);
  const struct timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return with_context<void>(errno_error(errno), "update atime of chunk '{}'", path.string());
  }
  return ok();
}

Result<std::optional<stdfs::path>> ChunkStore::rename_corrupt(const Digest& digest) {
  using R = std::optional<stdfs::path>;
  stdfs::path path = chunk_path(digest);
  auto guard = lock_chunk(digest);
  stdfs::path target;
  for (int n = 0; n <= 9; ++n) {
    target = path;
    target += fmt::format(".{}.bad", n);
    if (n == 9) break;  // all of .0 .. .8 taken: overwrite .9
    FERRY_TRY_ASSIGN(bool taken, fs::exists(target));
    if (!taken) break;
  }
  if (::rename(path.c_str(), target.c_str()) != 0) {
    if (errno == ENOENT) return R{};
    return with_context<R>(errno_error(errno), "could not rename corrupted chunk '{}'",
                           path.string());
  }
  return R{target};
}

Status ChunkStore::sync_filesystem() const {
  Fd f{::open(base().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (f.fd < 0) return with_context<void>(errno_error(errno), "open '{}'", base().string());
  if (::syncfs(f.fd) != 0) {
    return with_context<void>(errno_error(errno), "syncfs '{}'", base().string());
  }
  return ok();
}

Result<ProcessLocker::SharedGuard> ChunkStore::try_shared_lock() {
  return state_->locker->try_shared_lock();
}

Result<ProcessLocker::ExclusiveGuard> ChunkStore::try_exclusive_lock() {
  return state_->locker->try_exclusive_lock();
}

std::optional<int64_t> ChunkStore::oldest_writer() const {
  return state_->locker->oldest_shared_lock();
}

}  // namespace ferry::datastore
