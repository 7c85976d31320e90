// File steps of a snapshot transfer (sync-semantics.md §7.2, §7.3): temporary names, writing
// and renaming with the target's durability, checking a local file against its manifest entry,
// and the final cleanup of files the manifest does not list.
#pragma once

#include <filesystem>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "datastore/manifest.h"

namespace ferry::sync::internal {

// The temporary name of a snapshot file: the last extension replaced by "tmp"
// (index.json.blob → index.json.tmp, root.pxar.didx → root.pxar.tmp).
std::filesystem::path tmp_path_for(const std::filesystem::path& path);

// Creates or truncates `path` with `data`; fsyncs it when `durable`. Errors: Io and friends,
// naming the path.
Status write_file(const std::filesystem::path& path, ByteView data, bool durable);

// rename(2). Errors name both paths.
Status rename_file(const std::filesystem::path& from, const std::filesystem::path& to);

// Does the local file `path` match its manifest entry? Index files are checked by their
// logical size and index checksum, blobs by file size and SHA-256 (§7.3 step 3a). Errors:
// NotFound (no local file), InvalidArgument "wrong size for file '{name}' ({expected} !=
// {actual})" or "wrong checksum for file '{name}'", Corruption (unreadable index), Io.
Status check_local_file(const std::filesystem::path& path, const datastore::FileInfo& entry);

// The same checks for downloaded archive bytes; `actual_size`/`actual_csum` as computed from
// the parsed index or the blob bytes.
Status check_against_manifest(const datastore::FileInfo& entry, uint64_t actual_size,
                              const Digest& actual_csum);

// Removes every regular file of the snapshot directory that is neither the manifest, the
// client log, the protection marker (decision S6) nor listed in `manifest` (§7.3 step 6).
Status remove_unlisted_files(const std::filesystem::path& dir,
                             const datastore::BackupManifest& manifest);

}  // namespace ferry::sync::internal
