// Filesystem helpers with crash-consistent semantics.
//
// Every write that matters goes through `atomic_replace`: the data is written to a temporary
// file in the same directory (`<name>.tmp_XXXXXX`, as PBS's mkstemp template), fsync'ed,
// renamed over the target and the directory fsync'ed, so after a crash the target holds either
// the old or the new content, never a mix. All functions block (call them off I/O threads).
//
// Paths are always parameters: nothing here knows where Ferry keeps its files.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace ferry::fs {

namespace stdfs = std::filesystem;

struct ReplaceOptions {
  mode_t mode = 0644;   // permissions of the new file (applied with fchmod, umask-independent)
  bool fsync = true;    // fsync the file before rename and the directory after
};

// Atomically replaces (or creates) `path` with `data`. On failure the target is unchanged and
// no temporary file is left behind. Errors: Io, NotFound (directory missing),
// PermissionDenied. Durable side effect: the new content and directory entry are on disk when
// `fsync` is set.
Status atomic_replace(const stdfs::path& path, ByteView data, const ReplaceOptions& opts = {});
inline Status atomic_replace(const stdfs::path& path, std::string_view data,
                             const ReplaceOptions& opts = {}) {
  return atomic_replace(path, as_bytes(data), opts);
}

// Creates `path` exclusively (O_EXCL) with `data`. AlreadyExists if it exists.
Status create_exclusive(const stdfs::path& path, ByteView data, mode_t mode = 0644);

// fsync of a directory, so that entries created or renamed in it survive a crash.
Status fsync_dir(const stdfs::path& dir);

// Reads a whole file. InvalidArgument if it is larger than `max_size`; NotFound if missing.
Result<Bytes> read_file(const stdfs::path& path, uint64_t max_size);
Result<std::string> read_text_file(const stdfs::path& path, uint64_t max_size);

// mkdir. With `exist_ok`, an existing directory is success.
Status make_dir(const stdfs::path& path, mode_t mode = 0755, bool exist_ok = false);
// mkdir -p.
Status make_dirs(const stdfs::path& path, mode_t mode = 0755);

// Does `path` exist (without following a final symlink)? Io on errors other than ENOENT.
Result<bool> exists(const stdfs::path& path);
Result<bool> is_directory(const stdfs::path& path);

// rm -rf. A missing path is success.
Status remove_tree(const stdfs::path& path);
// unlink; a missing file is success when `missing_ok`.
Status remove_file(const stdfs::path& path, bool missing_ok = true);

// Names of the entries of a directory (no "." or ".."), unsorted.
struct DirEntry {
  std::string name;
  bool is_dir = false;
  bool is_regular = false;
};
Result<std::vector<DirEntry>> list_dir(const stdfs::path& dir);

}  // namespace ferry::fs
