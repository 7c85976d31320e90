// The remote's listing answers are untrusted: malformed JSON shapes are Corruption errors that
// name the list, item and field, never crashes (sync/internal/remote_json.h).
#include "sync/internal/remote_json.h"

#include <gtest/gtest.h>

namespace ferry::sync::internal {
namespace {

using nlohmann::json;

types::BackupGroup vm100() { return *types::BackupGroup::parse("vm/100"); }

TEST(RemoteJsonTest, ParsesWellFormedListings) {
  auto nss = parse_namespace_list(json::parse(R"([{"ns": ""}, {"ns": "a/b"}])"));
  ASSERT_TRUE(nss) << nss.error().to_string();
  ASSERT_EQ(nss->size(), 2u);
  EXPECT_EQ((*nss)[1].to_string(), "a/b");

  auto groups = parse_group_list(json::parse(
      R"([{"backup-type": "vm", "backup-id": "100", "owner": "x@pbs", "backup-count": 2}])"));
  ASSERT_TRUE(groups) << groups.error().to_string();
  EXPECT_EQ((*groups)[0].to_string(), "vm/100");

  auto snaps = parse_snapshot_list(json::parse(R"([
    {"backup-type": "vm", "backup-id": "100", "backup-time": 1717200000, "size": 10,
     "protected": true, "verification": {"state": "ok", "upid": "U"},
     "files": [{"filename": "index.json.blob", "crypt-mode": "none"},
               {"filename": "drive-scsi0.img.fidx", "crypt-mode": "encrypt", "size": 10}]},
    {"backup-type": "vm", "backup-id": "100", "backup-time": 1717286400}])"),
                                   vm100());
  ASSERT_TRUE(snaps) << snaps.error().to_string();
  ASSERT_EQ(snaps->size(), 2u);
  EXPECT_EQ((*snaps)[0].size, 10u);
  EXPECT_TRUE((*snaps)[0].is_protected);
  EXPECT_EQ((*snaps)[0].verify_state, datastore::VerifyState::Ok);
  ASSERT_EQ((*snaps)[0].files.size(), 1u) << "the manifest is not an archive";
  EXPECT_EQ((*snaps)[0].files[0].crypt_mode, datastore::CryptMode::Encrypt);
  EXPECT_FALSE((*snaps)[1].size.has_value()) << "no size: in-progress backup";
}

TEST(RemoteJsonTest, MalformedAnswersAreCorruptionNamingTheField) {
  struct Case {
    const char* what;
    const char* text;
    const char* expect;  // part of the message
  };
  const std::vector<Case> cases = {
      {"ns", R"({"ns": ""})", "not a list"},
      {"ns", R"([{"ns": 5}])", "'ns'"},
      {"ns", R"([{"ns": "a//b"}])", "'ns'"},
      {"groups", R"([1])", "item 0"},
      {"groups", R"([{"backup-type": "vm"}])", "backup-type/backup-id"},
      {"groups", R"([{"backup-type": "disk", "backup-id": "1"}])", "backup-type/backup-id"},
      {"snapshots", R"([{"backup-type": "vm", "backup-id": "100"}])", "backup-time"},
      {"snapshots", R"([{"backup-type": "vm", "backup-id": "101", "backup-time": 1}])",
       "belongs to group vm/101"},
      {"snapshots",
       R"([{"backup-type": "vm", "backup-id": "100", "backup-time": 1717200000, "size": -1}])",
       "size"},
      {"snapshots",
       R"([{"backup-type": "vm", "backup-id": "100", "backup-time": 1717200000,
            "files": [{"filename": "a.fidx", "crypt-mode": "rot13"}]}])",
       "crypt-mode"},
      {"snapshots",
       R"([{"backup-type": "vm", "backup-id": "100", "backup-time": 1717200000, "files": {}}])",
       "files"},
  };
  auto failure = [](const auto& r) -> Status {
    if (r) return make_error(Errc::Internal, "parsed without error");
    return tl::unexpected(r.error());
  };
  for (const auto& c : cases) {
    const json data = json::parse(c.text);
    Status st = ok();
    if (std::string_view(c.what) == "ns") {
      st = failure(parse_namespace_list(data));
    } else if (std::string_view(c.what) == "groups") {
      st = failure(parse_group_list(data));
    } else {
      st = failure(parse_snapshot_list(data, vm100()));
    }
    ASSERT_FALSE(st) << c.text;
    EXPECT_EQ(st.error().code(), Errc::Corruption) << c.text << ": " << st.error().to_string();
    EXPECT_NE(st.error().to_string().find(c.expect), std::string::npos)
        << c.text << ": " << st.error().to_string();
  }
}

}  // namespace
}  // namespace ferry::sync::internal
