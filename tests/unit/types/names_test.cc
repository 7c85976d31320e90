#include "types/names.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::types {
namespace {

TEST(NamesTest, ValidatesDatastoreNames) {
  EXPECT_TRUE(validate_datastore_name("local"));
  EXPECT_TRUE(validate_datastore_name("a_1"));
  const std::string too_long(33, 'a');  // outlives the loop (a temporary's c_str() would not)
  for (const char* bad : {"ab", "-abc", ".abc", "a b c", "abc/def", too_long.c_str()}) {
    auto st = validate_datastore_name(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_NE(st.error().message().find("datastore name"), std::string::npos);
  }
}

TEST(NamesTest, ValidatesFingerprints) {
  std::string fp;
  for (int i = 0; i < 32; ++i) fp += (i ? ":" : "") + std::string("aB");
  EXPECT_TRUE(validate_fingerprint(fp));
  EXPECT_FALSE(validate_fingerprint(fp.substr(3)));
  EXPECT_FALSE(validate_fingerprint(fp + ":00"));
  std::string bad = fp;
  bad[0] = 'g';
  EXPECT_FALSE(validate_fingerprint(bad));
  EXPECT_FALSE(validate_fingerprint("64:d3:ff:3a:50:38:53:5a:9b:f7:50:...:ab:fe"));
}

TEST(NamesTest, ValidatesHosts) {
  for (const char* good : {"pbs2.mydomain.example", "localhost", "127.0.0.1", "::1", "fe80::1",
                           "a-b.c"}) {
    EXPECT_TRUE(validate_host(good)) << good;
  }
  for (const char* bad : {"", "-a.b", "a..b", "a_b.c", "[::1]", "1.2.3", "256.1.1.1", "a b"}) {
    EXPECT_FALSE(validate_host(bad)) << bad;
  }
}

TEST(NamesTest, ValidatesCommentsAndArchiveNames) {
  EXPECT_TRUE(validate_comment("offsite copy"));
  EXPECT_FALSE(validate_comment("two\nlines"));
  EXPECT_FALSE(validate_comment(std::string(129, 'x')));
  EXPECT_TRUE(validate_archive_name("drive-scsi0.img.fidx"));
  EXPECT_TRUE(validate_archive_name("index.json.blob"));
  EXPECT_FALSE(validate_archive_name("root.pxar"));
  EXPECT_FALSE(validate_archive_name("../x.blob"));
}

}  // namespace
}  // namespace ferry::types
