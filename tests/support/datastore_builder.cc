#include "support/datastore_builder.h"

#include "datastore/chunker.h"
#include "datastore/snapshot_writer.h"

namespace ferry::test {

using datastore::BackupManifest;
using datastore::CryptMode;
using datastore::DataBlob;
using datastore::Datastore;

namespace {

size_t image_chunk_len(const TestSnapshotSpec& snap, size_t i) {
  return i + 1 == snap.image_chunks.size() ? kTestChunkSize - kTestTailSize : kTestChunkSize;
}

Result<Digest> insert_chunk(Datastore& store, ByteView data) {
  Digest digest = sha256(data);
  FERRY_TRY_ASSIGN(DataBlob blob, DataBlob::encode(data, nullptr, true));
  FERRY_TRY(store.chunk_store().insert(digest, blob));
  return digest;
}

Status write_image(Datastore& store, datastore::SnapshotWriter& writer,
                   const TestSnapshotSpec& snap, BackupManifest& manifest) {
  const uint64_t size = snap.image_chunks.size() * kTestChunkSize - kTestTailSize;
  FERRY_TRY_ASSIGN(auto fidx, writer.create_fixed_index(kTestImageArchive, size, kTestChunkSize));
  for (size_t i = 0; i < snap.image_chunks.size(); ++i) {
    Bytes data = test_data(snap.image_chunks[i], image_chunk_len(snap, i));
    FERRY_TRY_ASSIGN(Digest digest, insert_chunk(store, data));
    FERRY_TRY(fidx.add_digest(i, digest));
  }
  FERRY_TRY_ASSIGN(Digest csum, fidx.close());
  return manifest.add_file(kTestImageArchive, size, csum, CryptMode::None);
}

Status write_stream(Datastore& store, datastore::SnapshotWriter& writer,
                    const TestSnapshotSpec& snap, BackupManifest& manifest) {
  Bytes data = test_data(snap.stream_seed, kTestStreamSize);
  FERRY_TRY_ASSIGN(auto didx, writer.create_dynamic_index(kTestStreamArchive));
  uint64_t start = 0;
  for (uint64_t end : datastore::chunk_end_offsets(data, 64 * 1024)) {
    ByteView piece(data.data() + start, end - start);
    FERRY_TRY_ASSIGN(Digest digest, insert_chunk(store, piece));
    FERRY_TRY(didx.add_chunk(end, digest));
    start = end;
  }
  FERRY_TRY_ASSIGN(Digest csum, didx.close());
  return manifest.add_file(kTestStreamArchive, data.size(), csum, CryptMode::None);
}

}  // namespace

Bytes test_data(uint64_t seed, size_t size) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x0123456789abcdefull;
  Bytes out(size);
  for (size_t i = 0; i < size; i += 8) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    for (size_t b = 0; b < 8 && i + b < size; ++b) out[i + b] = uint8_t(s >> (8 * b));
  }
  return out;
}

Digest test_image_chunk_digest(const TestSnapshotSpec& snap, size_t i) {
  return sha256(test_data(snap.image_chunks.at(i), image_chunk_len(snap, i)));
}

Status write_test_snapshot(Datastore& store, const TestSnapshotSpec& snap,
                           const types::Authid& owner) {
  FERRY_TRY_ASSIGN(auto ns, types::BackupNamespace::parse(snap.ns));
  FERRY_TRY_ASSIGN(auto group, types::BackupGroup::parse(snap.group));
  FERRY_TRY_ASSIGN(auto dir, types::BackupDir::create(group, snap.time));
  FERRY_TRY_ASSIGN(auto writer, datastore::SnapshotWriter::create(store, ns, dir, owner));
  BackupManifest manifest(std::string(types::to_string(group.type())), group.id(), snap.time);
  FERRY_TRY(write_image(store, writer, snap, manifest));
  FERRY_TRY(write_stream(store, writer, snap, manifest));
  std::string text = "snapshot " + dir.to_string() + "\n";
  FERRY_TRY_ASSIGN(DataBlob blob, DataBlob::encode(as_bytes(text), nullptr, true));
  FERRY_TRY(writer.add_blob(kTestBlobArchive, blob));
  FERRY_TRY(
      manifest.add_file(kTestBlobArchive, blob.raw().size(), sha256(blob.raw()), CryptMode::None));
  FERRY_TRY(writer.commit(manifest));
  if (snap.is_protected) FERRY_TRY(store.set_protected(ns, dir, true));
  return ok();
}

Result<std::unique_ptr<Datastore>> open_test_datastore(const std::filesystem::path& base,
                                                       const std::filesystem::path& lock_dir,
                                                       const TestDatastoreSpec& spec) {
  return Datastore::open(spec.name, base, {.lock_dir = lock_dir, .sync_level = spec.sync_level});
}

Result<std::unique_ptr<Datastore>> make_test_datastore(const std::filesystem::path& base,
                                                       const std::filesystem::path& lock_dir,
                                                       const TestDatastoreSpec& spec) {
  FERRY_TRY_ASSIGN(
      auto store,
      Datastore::create(spec.name, base, {.lock_dir = lock_dir, .sync_level = spec.sync_level}));
  for (const auto& text : spec.namespaces) {
    FERRY_TRY_ASSIGN(auto ns, types::BackupNamespace::parse(text));
    FERRY_TRY(store->create_namespace(ns));
  }
  FERRY_TRY_ASSIGN(auto owner, types::Authid::parse(spec.owner));
  for (const auto& snap : spec.snapshots) {
    FERRY_TRY(with_context(write_test_snapshot(*store, snap, owner), "test snapshot {} {} {}",
                           snap.ns, snap.group, snap.time));
  }
  return store;
}

}  // namespace ferry::test
