#include "datastore/manifest.h"

#include <gtest/gtest.h>

#include <string>

#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::datastore {
namespace {

::testing::AssertionResult error_mentions(const Error& e, std::string_view needle) {
  std::string text = e.to_string();
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "error '" << text << "' does not mention '" << needle << "'";
}

const std::string kCsum(64, 'a');

// A valid manifest with `patch` spliced in as extra top-level members or replacing fields.
std::string manifest_json(std::string_view files, std::string_view extra = "") {
  return fmt::format(R"({{"backup-type":"vm","backup-id":"100","backup-time":1717597476,)"
                     R"("files":{}{}}})",
                     files, extra);
}

std::string one_file(std::string_view fields) { return fmt::format("[{{{}}}]", fields); }

TEST(BackupManifestTest, ParseRejectsInvalidDocumentsNamingFieldAndReason) {
  const std::string good_file =
      R"("filename":"a.img.fidx","crypt-mode":"none","size":1,"csum":")" + kCsum + R"(")";
  struct Case {
    std::string json;
    const char* reason;
  };
  const Case cases[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "expected a JSON object, got array"},
      {R"({"backup-id":"100","backup-time":1,"files":[]})", "backup-type: missing"},
      {R"({"backup-type":"xx","backup-id":"100","backup-time":1,"files":[]})",
       "backup-type: unknown backup type 'xx'"},
      {R"({"backup-type":7,"backup-id":"100","backup-time":1,"files":[]})",
       "backup-type: expected a string, got number"},
      {R"({"backup-type":"vm","backup-id":"../x","backup-time":1,"files":[]})",
       "backup-id: '../x' is not a valid backup id"},
      {R"({"backup-type":"vm","backup-id":"","backup-time":1,"files":[]})",
       "backup-id: '' is not a valid backup id"},
      {R"({"backup-type":"vm","backup-id":"100","backup-time":"1","files":[]})",
       "backup-time: expected an integer, got \"1\""},
      {R"({"backup-type":"vm","backup-id":"100","backup-time":1.5,"files":[]})",
       "backup-time: expected an integer, got 1.5"},
      {R"({"backup-type":"vm","backup-id":"100","backup-time":0,"files":[]})",
       "backup-time: 0 is out of range"},
      {R"({"backup-type":"vm","backup-id":"100","backup-time":253402300800,"files":[]})",
       "backup-time: 253402300800 is out of range"},
      {R"({"backup-type":"vm","backup-id":"100","backup-time":1})", "files: missing"},
      {manifest_json("{}"), "files: expected an array, got object"},
      {manifest_json("[1]"), "files[0]: expected an object, got number"},
      {manifest_json(one_file(R"("size":1,"csum":")" + kCsum + R"(")")),
       "files[0].filename: missing"},
      {manifest_json(
           one_file(R"("filename":"../../etc/passwd.blob","size":1,"csum":")" + kCsum + R"(")")),
       "files[0].filename: '../../etc/passwd.blob' is not a valid archive name"},
      {manifest_json(one_file(R"("filename":"a.txt","size":1,"csum":")" + kCsum + R"(")")),
       "files[0].filename: archive name 'a.txt' does not end in .fidx, .didx or .blob"},
      {manifest_json(one_file(R"("filename":"a.blob","crypt-mode":"aes","size":1,"csum":")" +
                              kCsum + R"(")")),
       "files[0].crypt-mode: unknown crypt mode 'aes'"},
      {manifest_json(one_file(R"("filename":"a.blob","size":-1,"csum":")" + kCsum + R"(")")),
       "files[0].size: expected a non-negative integer, got -1"},
      {manifest_json(one_file(R"("filename":"a.blob","csum":")" + kCsum + R"(")")),
       "files[0].size: missing"},
      {manifest_json(one_file(R"("filename":"a.blob","size":1,"csum":"xyz")")),
       "files[0].csum: 'xyz' is not 64 hex digits"},
      {manifest_json(
           one_file(R"("filename":"a.blob","size":1,"csum":")" + std::string(64, 'g') + R"(")")),
       "is not 64 hex digits"},
      {manifest_json("[{" + good_file + "},{\"filename\":1}]"),
       "files[1].filename: expected a string, got number"},
      {manifest_json("[]", R"(,"unprotected":[])"), "unprotected: expected an object, got array"},
      {manifest_json("[]", R"(,"signature":5)"), "signature: expected a string or null"},
      {manifest_json(
           "[]", R"(,"unprotected":{"x":)" + std::string(100, '[') + std::string(100, ']') + "}"),
       "nested deeper than 64 levels"},
  };
  for (const Case& c : cases) {
    auto m = BackupManifest::parse(c.json);
    ASSERT_FALSE(m) << c.json;
    EXPECT_EQ(m.error().code(), Errc::InvalidArgument) << c.json;
    EXPECT_TRUE(error_mentions(m.error(), "invalid manifest")) << c.json;
    EXPECT_TRUE(error_mentions(m.error(), c.reason)) << c.json;
  }
  auto huge = BackupManifest::parse(std::string(kMaxManifestSize + 1, ' '));
  ASSERT_FALSE(huge);
  EXPECT_TRUE(error_mentions(huge.error(), "exceeds the limit"));
}

TEST(BackupManifestTest, ParseAcceptsAnyKeyOrderDefaultsAndUnknownKeys) {
  std::string json = R"({"files":[{"size":5,"csum":")" + kCsum +
                     R"(","filename":"a.conf.blob","future":1}],"zzz-new":true,)"
                     R"("unprotected":{"custom":{"b":1,"a":[]}},"backup-time":1,)"
                     R"("backup-id":"web_01.x-y","backup-type":"ct"})";
  auto m = BackupManifest::parse(json);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->backup_type, "ct");
  EXPECT_EQ(m->backup_id, "web_01.x-y");
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files[0].crypt_mode, CryptMode::None) << "missing crypt-mode means none";
  EXPECT_FALSE(m->signature);
  std::string out = m->to_pretty_json();
  EXPECT_EQ(out.find("zzz-new"), std::string::npos) << "unknown top-level keys are dropped";
  EXPECT_EQ(out.find("future"), std::string::npos);
  EXPECT_NE(out.find(R"("custom": {
      "a": [],
      "b": 1
    })"),
            std::string::npos)
      << out;
  auto nulls =
      BackupManifest::parse(manifest_json("[]", R"(,"unprotected":null,"signature":null)"));
  ASSERT_TRUE(nulls) << nulls.error().to_string();
  EXPECT_TRUE(nulls->unprotected.is_object());
}

TEST(BackupManifestTest, PrettyJsonEscapesStringsLikeSerde) {
  BackupManifest m("host", "h", 1);
  ASSERT_TRUE(m.set_notes("a/b \"q\" \\ \n\t\r\b\f \x01\x1f\x7f é 😀"));
  std::string out = m.to_pretty_json();
  EXPECT_NE(out.find(R"("notes": "a/b \"q\" \\ \n\t\r\b\f \u0001\u001f)"
                     "\x7f é 😀\""),
            std::string::npos)
      << out;
  EXPECT_EQ(out.back(), '}') << "no trailing newline";
  auto back = BackupManifest::parse(out);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->notes(), m.notes());
  EXPECT_EQ(back->to_pretty_json(), out);
  EXPECT_FALSE(m.set_notes("bad \xff utf8"));
}

TEST(BackupManifestTest, SerializesEmptyManifestExactly) {
  BackupManifest m("vm", "100", 1717597476);
  EXPECT_EQ(m.to_pretty_json(),
            "{\n  \"backup-id\": \"100\",\n  \"backup-time\": 1717597476,\n"
            "  \"backup-type\": \"vm\",\n  \"files\": [],\n  \"signature\": null,\n"
            "  \"unprotected\": {}\n}");
}

TEST(BackupManifestTest, UnprotectedAccessorsRoundTrip) {
  BackupManifest m("vm", "100", 1717597476);
  EXPECT_FALSE(*m.verify_state());
  EXPECT_FALSE(*m.chunk_upload_stats());
  EXPECT_EQ(m.notes(), "");
  m.set_verify_state({VerifyState::Failed,
                      "UPID:node:00000001:00000002:00000003:66600000:verify"
                      "::root@pam:"});
  m.set_chunk_upload_stats({3, 300, 200, 1});
  ASSERT_TRUE(m.set_notes("line1\nline2"));
  m.set_key_fingerprint("aa:bb");
  auto back = BackupManifest::parse(m.to_pretty_json());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back->verify_state(), m.verify_state().value());
  EXPECT_EQ((*back->verify_state())->state, VerifyState::Failed);
  EXPECT_EQ(**back->chunk_upload_stats(), (ChunkUploadStats{3, 300, 200, 1}));
  EXPECT_EQ(back->notes(), "line1\nline2");
  EXPECT_EQ(back->key_fingerprint(), "aa:bb");
  EXPECT_NE(m.to_pretty_json().find(R"("chunk_upload_stats": {
      "compressed_size": 200,
      "count": 3,
      "duplicates": 1,
      "size": 300
    },)"),
            std::string::npos);
  m.clear_verify_state();
  EXPECT_FALSE(*m.verify_state());

  m.unprotected["verify_state"] = {{"state", "maybe"}, {"upid", "x"}};
  auto bad = m.verify_state();
  ASSERT_FALSE(bad);
  EXPECT_TRUE(error_mentions(bad.error(), "unprotected.verify_state: unknown state 'maybe'"));
  m.unprotected["chunk_upload_stats"] = {{"count", "3"}};
  auto bad_stats = m.chunk_upload_stats();
  ASSERT_FALSE(bad_stats);
  EXPECT_TRUE(error_mentions(bad_stats.error(), "chunk_upload_stats.count"));
}

TEST(BackupManifestTest, AddFileValidatesAndLookupFindsIt) {
  BackupManifest m("vm", "100", 1);
  EXPECT_TRUE(m.add_file("drive-scsi0.img.fidx", 10, sha256("x"), CryptMode::Encrypt));
  auto dup = m.add_file("drive-scsi0.img.fidx", 10, sha256("x"), CryptMode::None);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), Errc::AlreadyExists);
  auto bad = m.add_file("a/b.blob", 1, sha256("x"), CryptMode::None);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(error_mentions(bad.error(), "'a/b.blob' is not a valid archive name"));
  ASSERT_NE(m.lookup_file("drive-scsi0.img.fidx"), nullptr);
  EXPECT_EQ(m.lookup_file("drive-scsi0.img.fidx")->crypt_mode, CryptMode::Encrypt);
  EXPECT_EQ(m.lookup_file("other.blob"), nullptr);
  EXPECT_EQ(*parse_archive_name("catalog.pcat1.didx"), ArchiveType::DynamicIndex);
  EXPECT_EQ(*parse_archive_name("index.json.blob"), ArchiveType::Blob);
}

TEST(BackupManifestTest, SignAndVerifyDetectTamperingAndWrongKey) {
  std::array<uint8_t, 32> k1{}, k2{};
  k2[0] = 1;
  CryptConfig key = CryptConfig::from_key(k1);
  CryptConfig other = CryptConfig::from_key(k2);
  BackupManifest m("vm", "100", 1717597476);
  ASSERT_TRUE(m.add_file("a.img.fidx", 4096, sha256("a"), CryptMode::SignOnly));
  auto unsigned_check = m.verify_signature(key);
  ASSERT_FALSE(unsigned_check);
  EXPECT_TRUE(error_mentions(unsigned_check.error(), "not signed"));
  m.sign(key);
  EXPECT_TRUE(m.verify_signature(key));
  auto wrong = m.verify_signature(other);
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(error_mentions(wrong.error(), "signed with key " + key.fingerprint_string()));
  ASSERT_TRUE(m.set_notes("unprotected changes keep the signature valid"));
  EXPECT_TRUE(m.verify_signature(key));
  m.files[0].size = 4097;
  auto tampered = m.verify_signature(key);
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().code(), Errc::Corruption);
  EXPECT_TRUE(error_mentions(tampered.error(), "signature mismatch"));
}

TEST(BackupManifestTest, BlobRoundTripAndRejections) {
  test::TempDir dir;
  BackupManifest m("host", "elsa", 1593179765);
  ASSERT_TRUE(m.add_file("root.pxar.didx", 8, sha256("r"), CryptMode::None));
  auto blob = m.to_blob();
  ASSERT_TRUE(blob);
  EXPECT_FALSE(blob->is_encrypted());
  ASSERT_TRUE(fs::atomic_replace(dir / "index.json.blob", blob->raw()));
  auto loaded = BackupManifest::load(dir / "index.json.blob");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->to_pretty_json(), m.to_pretty_json());

  Bytes bad_crc = blob->raw();
  bad_crc.back() ^= 1;
  ASSERT_TRUE(fs::atomic_replace(dir / "crc.blob", bad_crc));
  auto r = BackupManifest::load(dir / "crc.blob");
  ASSERT_FALSE(r);
  EXPECT_TRUE(error_mentions(r.error(), "load manifest '" + (dir / "crc.blob").string()));
  EXPECT_TRUE(error_mentions(r.error(), "crc mismatch"));

  std::array<uint8_t, 32> k{};
  CryptConfig key = CryptConfig::from_key(k);
  auto enc = DataBlob::encode(as_bytes(m.to_pretty_json()), &key, false);
  auto e = BackupManifest::from_blob(*enc);
  ASSERT_FALSE(e);
  EXPECT_TRUE(error_mentions(e.error(), "manifest blob: manifest blob is encrypted"));

  auto garbage = DataBlob::encode(as_bytes("{\"backup-type\":"), nullptr, false);
  auto g = BackupManifest::from_blob(*garbage);
  ASSERT_FALSE(g);
  EXPECT_TRUE(error_mentions(g.error(), "not valid JSON"));
}

TEST(BackupManifestTest, CanonicalJsonRejectsNull) {
  auto r = to_canonical_json(nlohmann::json::parse(R"({"b":[1,{"z":null}],"a":"x"})"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(error_mentions(r.error(), "unexpected null"));
  auto ok_json = to_canonical_json(nlohmann::json::parse(R"({"b":[1,{"z":true}],"a":"x/y"})"));
  ASSERT_TRUE(ok_json);
  EXPECT_EQ(*ok_json, R"({"a":"x/y","b":[1,{"z":true}]})");
}

}  // namespace
}  // namespace ferry::datastore
