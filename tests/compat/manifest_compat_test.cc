// Golden vectors of spec datastore-format §7: the exact serialization of the example
// manifest (7.6) and PBS's signature test vector (7.5).
#include <gtest/gtest.h>

#include "compat/golden.h"
#include "datastore/manifest.h"

namespace ferry::datastore {
namespace {

using test::hex_bytes;
using test::hex_of;
using test::read_golden;

BackupManifest example_manifest() {
  BackupManifest m("host", "elsa", 1593179765);
  EXPECT_TRUE(m.add_file(
      "root.pxar.didx", 8,
      *Digest::from_hex("49ac1be65d03d92affec8061fcbdf4195c8378aa8efb2d5f651a515f9efd4b4b"),
      CryptMode::None));
  EXPECT_TRUE(m.add_file(
      "test.conf.blob", 15,
      *Digest::from_hex("e97b4819003f6f6bd21bf0c0836893338857ab0b8550e178f6ebbbbaa78b5dc1"),
      CryptMode::None));
  return m;
}

CryptConfig signature_vector_key() {
  Bytes key = hex_bytes("28cdb1a3bef39396c3860e00d448fe7a0efd8244486ab6feb30457681d31597e");
  return CryptConfig::from_key(std::span<const uint8_t, 32>(key.data(), 32));
}

TEST(ManifestCompatTest, ExampleManifestSerializesToTheExact489Bytes) {
  Bytes golden = read_golden("manifest_example.json");
  ASSERT_EQ(golden.size(), 489u);
  std::string text = example_manifest().to_pretty_json();
  EXPECT_EQ(text.size(), 489u);
  EXPECT_EQ(text, as_chars(golden));

  auto parsed = BackupManifest::parse(as_chars(golden));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->to_pretty_json(), as_chars(golden));
  EXPECT_EQ(parsed->files, example_manifest().files);
}

TEST(ManifestCompatTest, ReadsExampleManifestBlobsPlainAndZstd) {
  Bytes golden = read_golden("manifest_example.json");
  for (std::string_view name :
       {"manifest_example_uncompressed.blob", "manifest_example_zstd.blob"}) {
    auto blob = DataBlob::from_raw(read_golden(name));
    ASSERT_TRUE(blob) << name;
    auto m = BackupManifest::from_blob(*blob);
    ASSERT_TRUE(m) << name << ": " << m.error().to_string();
    EXPECT_EQ(m->to_pretty_json(), as_chars(golden)) << name;
    EXPECT_EQ(m->backup_time, 1593179765);
  }
  // Our own blob of the example: compressed only if that is smaller, decodes to the text.
  auto ours = example_manifest().to_blob();
  ASSERT_TRUE(ours);
  auto text = ours->decode(nullptr);
  ASSERT_TRUE(text);
  EXPECT_EQ(as_chars(*text), as_chars(golden));
  EXPECT_LT(ours->raw_size(), golden.size() + kBlobHeaderSize);
}

TEST(ManifestCompatTest, SignatureVectorFromPbsTestSuite) {
  CryptConfig c = signature_vector_key();
  EXPECT_EQ(hex_of(c.id_key()), "758495a21c31047f543f46d694700e02d168568bab37bb0ceece947b591f5100");
  EXPECT_EQ(c.fingerprint_string(),
            "12:b9:b7:74:bb:3d:89:95:2b:97:cb:c2:82:f0:0c:14:2b:83:ba:7f:96:62:6a:a1:5a:44:9a:63:"
            "e8:91:fe:25");

  BackupManifest m("host", "elsa", 1593179765);
  ASSERT_TRUE(m.add_file("test1.img.fidx", 200,
                         Digest{.bytes =
                                    [] {
                                      std::array<uint8_t, 32> b;
                                      b.fill(1);
                                      return b;
                                    }()},
                         CryptMode::Encrypt));
  ASSERT_TRUE(m.add_file("abc.blob", 200,
                         Digest{.bytes =
                                    [] {
                                      std::array<uint8_t, 32> b;
                                      b.fill(2);
                                      return b;
                                    }()},
                         CryptMode::None));
  EXPECT_EQ(
      m.canonical_json(),
      R"({"backup-id":"elsa","backup-time":1593179765,"backup-type":"host","files":[)"
      R"({"crypt-mode":"encrypt","csum":"0101010101010101010101010101010101010101010101010101010101010101","filename":"test1.img.fidx","size":200},)"
      R"({"crypt-mode":"none","csum":"0202020202020202020202020202020202020202020202020202020202020202","filename":"abc.blob","size":200}]})");
  EXPECT_EQ(m.compute_signature(c).to_hex(),
            "d7b446fb7db081662081d4b40fedd858a1d6307a5aff4ecff7d5bf4fd35679e9");

  m.sign(c);
  Bytes golden = read_golden("manifest_signed.json");
  EXPECT_EQ(m.to_pretty_json(), as_chars(golden));
  auto parsed = BackupManifest::parse(as_chars(golden));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_TRUE(parsed->verify_signature(c));
}

}  // namespace
}  // namespace ferry::datastore
