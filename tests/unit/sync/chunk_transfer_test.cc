// verify_and_insert_chunk: its errors name the chunk (and the store) once, with the reason.
#include "sync/internal/chunk_transfer.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "datastore/data_blob.h"
#include "support/store_temp_dir.h"

namespace ferry::sync::internal {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(ChunkTransferTest, InsertFailureNamesTheChunkAndTheStoreOnce) {
  test::StoreTempDir dir;
  auto store = datastore::ChunkStore::create("local", dir.path() / "local");
  ASSERT_TRUE(store) << store.error().to_string();
  const Bytes data(4096, uint8_t{7});
  const Digest digest = sha256(data);
  auto blob = datastore::DataBlob::encode(ByteView(data), nullptr, false);
  ASSERT_TRUE(blob) << blob.error().to_string();
  // A directory where the chunk file belongs: the store refuses to insert over it.
  std::filesystem::create_directories(store->chunk_path(digest));

  Status st = verify_and_insert_chunk(Bytes(blob->raw()), digest, data.size(),
                                      datastore::CryptMode::None, *store);
  ASSERT_FALSE(st);
  const std::string text = st.error().to_string();
  EXPECT_EQ(count(text, digest.to_hex()), 2u) << "the digest, once in its path: " << text;
  EXPECT_EQ(count(text, "insert chunk"), 1u) << text;
  EXPECT_NE(text.find("store 'local'"), std::string::npos) << text;
  EXPECT_NE(text.find("unexpected file type"), std::string::npos) << text;
}

TEST(ChunkTransferTest, DigestMismatchNamesTheChunk) {
  test::StoreTempDir dir;
  auto store = datastore::ChunkStore::create("local", dir.path() / "local");
  ASSERT_TRUE(store) << store.error().to_string();
  const Bytes data(4096, uint8_t{7});
  const Digest other = sha256(Bytes(4096, uint8_t{8}));
  auto blob = datastore::DataBlob::encode(ByteView(data), nullptr, false);
  ASSERT_TRUE(blob) << blob.error().to_string();

  Status st = verify_and_insert_chunk(Bytes(blob->raw()), other, data.size(),
                                      datastore::CryptMode::None, *store);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Corruption) << st.error().to_string();
  EXPECT_NE(st.error().to_string().find("verify chunk " + other.to_hex()), std::string::npos)
      << st.error().to_string();
  EXPECT_FALSE(std::filesystem::exists(store->chunk_path(other)));
}

}  // namespace
}  // namespace ferry::sync::internal
