// Builders for test datastores: real datastores on disk with generated snapshots.
//
//   TestDatastoreSpec spec;
//   spec.namespaces = {"prod", "prod/site1"};
//   spec.snapshots = {{.group = "vm/100", .time = 1700000000, .image_chunks = {1, 2, 3}}};
//   auto store = make_test_datastore(dir / "ds", dir / "locks", spec);
//
// Every snapshot gets three archives written through SnapshotWriter (so the real write path
// is exercised) and a manifest listing them:
//   drive-scsi0.img.fidx  a fixed index; chunk i holds test_data(image_chunks[i], ...) and is
//                         kTestChunkSize bytes, except the last, which is kTestTailSize short
//   root.pxar.didx        a dynamic index over test_data(stream_seed, kTestStreamSize), cut by
//                         the PBS chunker (64 KiB average)
//   config.blob           a compressed blob holding the snapshot's name
// Equal seeds give equal chunks, so tests choose exactly which snapshots share a chunk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "datastore/datastore.h"
#include "types/authid.h"

namespace ferry::test {

inline constexpr size_t kTestChunkSize = 64 * 1024;  // fixed-index chunk size (power of two)
inline constexpr size_t kTestTailSize = 1000;        // the last image chunk is this much shorter
inline constexpr size_t kTestStreamSize = 300 * 1024;

inline constexpr const char* kTestImageArchive = "drive-scsi0.img.fidx";
inline constexpr const char* kTestStreamArchive = "root.pxar.didx";
inline constexpr const char* kTestBlobArchive = "config.blob";

struct TestSnapshotSpec {
  std::string ns;     // text form; "" = root
  std::string group;  // "vm/100"
  int64_t time = 0;
  std::vector<uint64_t> image_chunks = {1, 2, 3};
  uint64_t stream_seed = 1;
  bool is_protected = false;
};

struct TestDatastoreSpec {
  std::string name = "store1";
  std::vector<std::string> namespaces;  // created in order (parents first)
  std::vector<TestSnapshotSpec> snapshots;
  std::string owner = "backup@pbs";
  datastore::SyncLevel sync_level = datastore::SyncLevel::None;  // tests need no fsync
};

// Deterministic pseudo-random bytes (xorshift64 from `seed`).
Bytes test_data(uint64_t seed, size_t size);

// Digest of image chunk `i` of `snap` (what the fixed index lists).
Digest test_image_chunk_digest(const TestSnapshotSpec& snap, size_t i);

// Writes one finished snapshot (the namespace must exist). Errors: as SnapshotWriter.
Status write_test_snapshot(datastore::Datastore& store, const TestSnapshotSpec& snap,
                           const types::Authid& owner);

// Creates a datastore at `base` with manifest locks below `lock_dir`, then the namespaces and
// snapshots of `spec`.
Result<std::unique_ptr<datastore::Datastore>> make_test_datastore(
    const std::filesystem::path& base, const std::filesystem::path& lock_dir,
    const TestDatastoreSpec& spec);

// Opens the datastore make_test_datastore created.
Result<std::unique_ptr<datastore::Datastore>> open_test_datastore(
    const std::filesystem::path& base, const std::filesystem::path& lock_dir,
    const TestDatastoreSpec& spec);

}  // namespace ferry::test
