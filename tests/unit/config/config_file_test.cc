#include "config/config_file.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <string>

#include "common/fs.h"
#include "config/remote_config.h"
#include "support/temp_dir.h"

namespace ferry::config {
namespace {

const std::string kEmptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kRemote =
    "remote: pbs2\n\tauth-id sync@pam\n\thost pbs2.example\n\tpassword U0VDUkVU\n";

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string read(const std::string& name) {
    auto t = fs::read_text_file(tmp_ / name, 1 << 20);
    return t ? *t : "<missing>";
  }
  void write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(fs::atomic_replace(tmp_ / name, text));
  }
  test::TempDir tmp_;
  ConfigDir dir_{tmp_.path()};
};

TEST_F(ConfigFileTest, MissingFileReadsAsEmptyWithDigestOfEmptyString) {
  auto cfg = read_config(dir_, remote_config_file());
  ASSERT_TRUE(cfg) << cfg.error().to_string();
  EXPECT_TRUE(cfg->data.empty());
  EXPECT_EQ(cfg->digest, kEmptyDigest);
}

TEST_F(ConfigFileTest, DigestIsSha256OfTheExactBytes) {
  write("remote.cfg", kRemote);
  auto cfg = read_config(dir_, remote_config_file());
  ASSERT_TRUE(cfg) << cfg.error().to_string();
  EXPECT_EQ(cfg->digest, config_digest(kRemote));
  EXPECT_EQ(cfg->digest.size(), 64u);
  write("remote.cfg", kRemote + "\n");  // same content, one more byte
  auto again = read_config(dir_, remote_config_file());
  ASSERT_TRUE(again);
  EXPECT_NE(again->digest, cfg->digest);
}

TEST_F(ConfigFileTest, GarbledOrUnreadableFilesAreErrorsNamingTheFile) {
  write("remote.cfg", "remote: pbs2\n\thots x\n");
  auto garbled = read_config(dir_, remote_config_file());
  ASSERT_FALSE(garbled);
  EXPECT_EQ(garbled.error().code(), Errc::Corruption);
  EXPECT_NE(garbled.error().to_string().find("remote.cfg:2: unknown property 'hots'"),
            std::string::npos)
      << garbled.error().to_string();

  ASSERT_TRUE(fs::remove_file(tmp_ / "remote.cfg"));
  ASSERT_TRUE(fs::make_dir(tmp_ / "remote.cfg"));  // a directory cannot be read as a file
  auto unreadable = read_config(dir_, remote_config_file());
  ASSERT_FALSE(unreadable);
  EXPECT_NE(unreadable.error().to_string().find("remote.cfg"), std::string::npos)
      << unreadable.error().to_string();
}

TEST_F(ConfigFileTest, WriteUsesMode0640AndLeavesNoTemporaryFiles) {
  auto lock = lock_config(dir_, remote_config_file());
  ASSERT_TRUE(lock) << lock.error().to_string();
  auto cfg = read_config(dir_, remote_config_file());
  ASSERT_TRUE(cfg);
  RemoteConfig r;
  r.name = "pbs2";
  r.host = "pbs2.example";
  r.auth_id = *types::Authid::parse("sync@pam");
  r.password = RemoteConfig::encode_password("SECRET");
  cfg->data.set(r.to_section());
  ASSERT_TRUE(write_config(dir_, remote_config_file(), *lock, cfg->data));
  EXPECT_EQ(read("remote.cfg"), kRemote);
  struct stat st {};
  ASSERT_EQ(::stat((tmp_ / "remote.cfg").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(::stat((tmp_ / ".remote.lck").c_str(), &st), 0);  // lock file next to the config
  auto entries = fs::list_dir(tmp_.path());
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->size(), 2u);  // remote.cfg and .remote.lck, no temporary leftovers
}

TEST_F(ConfigFileTest, LockIsExclusiveBetweenWriters) {
  auto first = lock_config(dir_, remote_config_file());
  ASSERT_TRUE(first);
  auto second = lock_config(dir_, remote_config_file(), std::chrono::milliseconds(50));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), Errc::Timeout);
  first->release();
  EXPECT_TRUE(lock_config(dir_, remote_config_file(), std::chrono::milliseconds(50)));
}

TEST_F(ConfigFileTest, ModifyChecksDigestAndLeavesFileUntouchedOnAnyError) {
  write("remote.cfg", kRemote);
  const std::string digest = config_digest(kRemote);
  auto add_comment = [](SectionConfigData& data) -> Status {
    Section s = *data.find("pbs2");
    s.set("comment", "edited");
    data.set(s);
    return ok();
  };
  std::string stale = config_digest("something else");
  auto conflict = modify_config(dir_, remote_config_file(), stale, add_comment);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), Errc::Conflict);
  EXPECT_NE(conflict.error().message().find("configuration changed on disk: digest mismatch"),
            std::string::npos);
  EXPECT_EQ(read("remote.cfg"), kRemote);

  auto malformed = modify_config(dir_, remote_config_file(), std::string("ABC"), add_comment);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code(), Errc::InvalidArgument);
  EXPECT_NE(malformed.error().message().find("'digest'"), std::string::npos);

  auto edit_fails = modify_config(dir_, remote_config_file(), digest, [](SectionConfigData&) {
    return Status(make_error(Errc::NotFound, "nope"));
  });
  ASSERT_FALSE(edit_fails);
  EXPECT_EQ(edit_fails.error().code(), Errc::NotFound);
  EXPECT_EQ(read("remote.cfg"), kRemote);

  auto invalid = modify_config(dir_, remote_config_file(), digest, [](SectionConfigData& data) {
    Section s = *data.find("pbs2");
    s.set("port", "123456");
    data.set(s);
    return ok();
  });
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(read("remote.cfg"), kRemote);

  ASSERT_TRUE(modify_config(dir_, remote_config_file(), digest, add_comment));
  EXPECT_EQ(read("remote.cfg"),
            "remote: pbs2\n\tauth-id sync@pam\n\tcomment edited\n\thost pbs2.example\n"
            "\tpassword U0VDUkVU\n");
}

TEST_F(ConfigFileTest, ConfigDirCreateMakesPrivateDirectory) {
  ConfigDir sub(tmp_ / "etc" / "ferry");
  ASSERT_TRUE(sub.create());
  struct stat st {};
  ASSERT_EQ(::stat(sub.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(sub.file("sync.cfg"), tmp_ / "etc" / "ferry" / "sync.cfg");
}

}  // namespace
}  // namespace ferry::config
