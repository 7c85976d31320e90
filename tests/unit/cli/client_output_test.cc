// ferry-client's text rendering (progress, summaries, list rows) and session resolution.
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/client/listing.h"
#include "cli/client/progress.h"
#include "cli/client/session.h"

namespace ferry::cli::client {
namespace {

using nlohmann::json;

TEST(FormatBytesTest, UsesBinaryUnitsWithTwoDecimals) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1536), "1.50 KiB");
  EXPECT_EQ(format_bytes(20u << 20), "20.00 MiB");
  EXPECT_EQ(format_bytes(uint64_t{2} << 30), "2.00 GiB");
}

TEST(BackupSummaryTest, NamesChunksUploadedAndReused) {
  BackupStats s;
  s.size = 20u << 20;
  s.chunks = 5;
  s.uploaded_chunks = 1;
  s.uploaded_bytes = 4u << 20;
  s.compressed_bytes = 4u << 20;
  s.reused_chunks = 4;
  s.reused_bytes = 16u << 20;
  s.seconds = 2.0;
  EXPECT_EQ(format_backup_summary("disk.img", s),
            "disk.img: 20.00 MiB, 5 chunks; uploaded 1 chunks (4.00 MiB, 4.00 MiB compressed), "
            "reused 4 chunks (16.00 MiB, 80.0%); 2.00 s, 10.00 MiB/s");
}

TEST(ProgressMeterTest, LineShowsShareRateAndDedup) {
  EXPECT_EQ(ProgressMeter::line("disk.img", 8u << 20, 32u << 20, 0, 2.0),
            "disk.img: 8.00 MiB of 32.00 MiB (25.0%), 4.00 MiB/s");
  EXPECT_EQ(ProgressMeter::line("disk.img", 8u << 20, 32u << 20, 4u << 20, 0.0),
            "disk.img: 8.00 MiB of 32.00 MiB (25.0%), 0 B/s, dedup 50.0%");
}

TEST(ProgressMeterTest, DisabledMeterPrintsNothing) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    ProgressMeter meter("disk.img", 100, false, out);
    meter.update(50);
  }
  EXPECT_EQ(std::ftell(out), 0);
  {
    ProgressMeter meter("disk.img", 100, true, out);
    meter.update(50);
    meter.update(60);  // within 250 ms: not redrawn
  }
  std::rewind(out);
  char buf[256] = {};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, out);
  const std::string text(buf, n);
  EXPECT_NE(text.find("50 B of 100 B"), std::string::npos) << text;
  EXPECT_EQ(text.find("60 B"), std::string::npos) << text;
  std::fclose(out);
}

TEST(ListingTest, GroupRowsAreSortedAndReadable) {
  const json groups = json::parse(R"([
    {"backup-type":"vm","backup-id":"100","last-backup":1717597476,"backup-count":2,
     "owner":"root@pam","files":["index.json.blob","drive-scsi0.img.fidx"]},
    {"backup-type":"host","backup-id":"web","last-backup":1,"backup-count":1,
     "owner":"a@pbs","files":[]},
    {"backup-type":7}, "junk"
  ])");
  const json rows = group_rows(groups);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["group"], "/");  // ill-typed keys render empty, never throw
  EXPECT_EQ(rows[1]["group"], "host/web");
  EXPECT_EQ(rows[2]["group"], "vm/100");
  EXPECT_EQ(rows[2]["last-snapshot"], "2024-06-05T14:24:36Z");
  EXPECT_EQ(rows[2]["files"], "index.json drive-scsi0.img");
}

TEST(ListingTest, SnapshotRowsShowSizeAndProtection) {
  const json snaps = json::parse(R"([
    {"backup-type":"host","backup-id":"h","backup-time":20,"size":4194304,"protected":true,
     "files":[{"filename":"disk.img.fidx"},{"filename":"index.json.blob"}]},
    {"backup-type":"host","backup-id":"h","backup-time":10,"protected":"yes","files":[]}
  ])");
  const json rows = snapshot_rows(snaps);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["snapshot"], "host/h/1970-01-01T00:00:10Z");
  EXPECT_EQ(rows[0]["size"], "");  // in progress: no size
  EXPECT_EQ(rows[0]["protected"], false);
  EXPECT_EQ(rows[1]["size"], "4.00 MiB");
  EXPECT_EQ(rows[1]["files"], "disk.img index.json");
  EXPECT_EQ(rows[1]["protected"], true);
}

TEST(ListingTest, StatusShowsUsedPercentage) {
  const json row = status_row(json{{"total", 1u << 30}, {"used", 1u << 28}, {"avail", 3u << 28}});
  EXPECT_EQ(row["total"], "1.00 GiB");
  EXPECT_EQ(row["used"], "256.00 MiB (25.00%)");
  EXPECT_EQ(row["avail"], "768.00 MiB");
}

TEST(SessionTest, OptionsWinOverEnvironment) {
  const std::map<std::string, std::string> env_map = {
      {"PBS_REPOSITORY", "envhost:envstore"},
      {"PBS_PASSWORD", "secret"},
      {"PBS_FINGERPRINT", std::string(95, 'a')}};
  auto env = [&](std::string_view name) -> std::optional<std::string> {
    auto it = env_map.find(std::string(name));
    return it == env_map.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  GlobalOptions options;
  auto from_env = Session::resolve(options, env);
  ASSERT_FALSE(from_env);  // "aaa…" is no fingerprint: named in the error
  EXPECT_EQ(from_env.error().code(), Errc::InvalidArgument);

  std::string fp;
  for (int i = 0; i < 32; ++i) fp += (i ? ":AB" : "AB");
  options.fingerprint = fp;
  options.ns = "a/b";
  options.output_format = "json";
  auto session = Session::resolve(options, env);
  ASSERT_TRUE(session) << session.error().to_string();
  EXPECT_EQ(session->repository.to_string(), "envhost:envstore");
  EXPECT_EQ(session->ns.to_string(), "a/b");
  EXPECT_EQ(session->format, OutputFormat::Json);
  EXPECT_EQ(session->secret, "secret");
  ASSERT_TRUE(session->fingerprint);
  EXPECT_EQ(session->fingerprint->substr(0, 5), "ab:ab");  // normalized to lower case

  options.repository = "other:store2";
  EXPECT_EQ(Session::resolve(options, env)->repository.store, "store2");
}

TEST(SessionTest, MissingRepositoryOrBadNamespaceIsAnError) {
  auto no_env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  GlobalOptions options;
  auto none = Session::resolve(options, no_env);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message().find("PBS_REPOSITORY"), std::string::npos);
  options.repository = "store1";
  options.ns = "a//b";
  auto bad_ns = Session::resolve(options, no_env);
  ASSERT_FALSE(bad_ns);
  EXPECT_NE(bad_ns.error().message().find("invalid namespace 'a//b'"), std::string::npos);
  options.ns = "";
  auto session = Session::resolve(options, no_env);
  ASSERT_TRUE(session);
  auto http = session->connect();  // no secret: refused before any network I/O
  ASSERT_FALSE(http);
  EXPECT_NE(http.error().message().find("PBS_PASSWORD"), std::string::npos);
}

}  // namespace
}  // namespace ferry::cli::client
