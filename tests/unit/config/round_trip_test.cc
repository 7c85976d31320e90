// Byte-exact round trips of config files written the way PBS writes them (tests/data/config).
#include <gtest/gtest.h>

#include <string>

#include "common/fs.h"
#include "config/datastore_config.h"
#include "config/remote_config.h"
#include "config/section_config.h"
#include "config/sync_job_config.h"
#include "config/verification_job_config.h"

namespace ferry::config {
namespace {

std::string sample(const std::string& name) {
  auto text = fs::read_text_file(std::string(FERRY_TEST_DATA_DIR) + "/config/" + name, 1 << 20);
  EXPECT_TRUE(text) << name << ": " << text.error().to_string();
  return text ? *text : std::string();
}

// Parses `name`, converts every section to its typed struct and back, and writes the result.
template <typename Typed>
void expect_round_trip(const std::string& name, const ConfigFileSpec& spec) {
  std::string text = sample(name);
  ASSERT_FALSE(text.empty()) << name;
  auto data = parse_section_config(spec.schema, text);
  ASSERT_TRUE(data) << name << ": " << data.error().to_string();

  auto raw = write_section_config(spec.schema, *data);
  ASSERT_TRUE(raw) << name << ": " << raw.error().to_string();
  EXPECT_EQ(*raw, text) << name << " (section level)";

  SectionConfigData typed;
  for (const Section& s : data->sections()) {
    auto t = Typed::from_section(s);
    ASSERT_TRUE(t) << name << " " << s.id << ": " << t.error().to_string();
    typed.set(t->to_section());
  }
  auto rewritten = write_section_config(spec.schema, typed);
  ASSERT_TRUE(rewritten) << name << ": " << rewritten.error().to_string();
  EXPECT_EQ(*rewritten, text) << name << " (typed level)";
}

TEST(RoundTripTest, DatastoreCfgIsRewrittenByteForByte) {
  expect_round_trip<DatastoreConfig>("datastore.cfg", datastore_config_file());
}

TEST(RoundTripTest, RemoteCfgIsRewrittenByteForByte) {
  expect_round_trip<RemoteConfig>("remote.cfg", remote_config_file());
}

TEST(RoundTripTest, SyncCfgIsRewrittenByteForByte) {
  expect_round_trip<SyncJobConfig>("sync.cfg", sync_config_file());
}

TEST(RoundTripTest, VerificationCfgIsRewrittenByteForByte) {
  expect_round_trip<VerificationJobConfig>("verification.cfg", verification_config_file());
}

TEST(RoundTripTest, NonCanonicalInputIsWrittenTheWayPbsWritesIt) {
  // Booleans and integers are canonicalized while reading (PBS reads them into JSON values);
  // strings such as byte sizes stay verbatim until the typed struct rewrites the section.
  const std::string input =
      "sync: job1\r\n  store dst\r\n  remote-store  src \r\n  remove-vanished Yes\r\n"
      "  max-depth +3\r\n  rate-in 20MiB\r\n  group-filter include:type:vm\r\n\r\n\r\n";
  auto data = parse_section_config(sync_config_file().schema, input);
  ASSERT_TRUE(data) << data.error().to_string();
  auto raw = write_section_config(sync_config_file().schema, *data);
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw,
            "sync: job1\n\tgroup-filter include:type:vm\n\tmax-depth 3\n\trate-in 20MiB\n"
            "\tremote-store src\n\tremove-vanished true\n\tstore dst\n");
  auto job = SyncJobConfig::from_section(data->sections().front());
  ASSERT_TRUE(job) << job.error().to_string();
  SectionConfigData typed;
  typed.set(job->to_section());
  EXPECT_EQ(*write_section_config(sync_config_file().schema, typed),
            "sync: job1\n\tgroup-filter type:vm\n\tmax-depth 3\n\trate-in 20 MiB\n"
            "\tremote-store src\n\tremove-vanished true\n\tstore dst\n");
}

}  // namespace
}  // namespace ferry::config
