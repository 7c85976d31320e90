#include "config/property_string.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/datastore_config.h"

namespace ferry::config {
namespace {

TEST(PropertyStringTest, ParsesItemsQuotesAndDefaultKey) {
  struct Case {
    std::string text;
    PropertyItems items;
  };
  for (const Case& c : std::vector<Case>{
           {"", {}},
           {"offline", {{"type", "offline"}}},
           {"read-only,message=disk swap", {{"type", "read-only"}, {"message", "disk swap"}}},
           {"type=offline", {{"type", "offline"}}},
           {"message=later,type=offline", {{"message", "later"}, {"type", "offline"}}},
           {"offline,message=\"a, b=c\"", {{"type", "offline"}, {"message", "a, b=c"}}},
           {"offline,message=\"say \\\"hi\\\" \\\\ now\"",
            {{"type", "offline"}, {"message", "say \"hi\" \\ now"}}},
           {"\"offline\"", {{"type", "offline"}}},
       }) {
    auto items = parse_property_string(maintenance_mode_schema(), c.text);
    ASSERT_TRUE(items || c.text.empty()) << c.text << ": " << items.error().message();
    if (c.text.empty()) continue;  // "" lacks the required type
    EXPECT_EQ(*items, c.items) << c.text;
  }
}

TEST(PropertyStringTest, RejectsMalformedInputNamingTheReason) {
  struct Case {
    std::string text;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"", "missing 'type'"},
           {"offline,message=\"open", "unterminated quoted value"},
           {"offline,message=\"x\"y", "only ',' may follow a closing quote"},
           {"offline,message=\"a\\tb\"", "unknown escape '\\t'"},
           {"offline,color=red", "unknown key 'color'"},
           {"offline,type=read-only", "duplicate key 'type'"},
           {"sideways", "not one of"},
       }) {
    auto items = parse_property_string(maintenance_mode_schema(), c.text);
    ASSERT_FALSE(items) << c.text;
    EXPECT_EQ(items.error().code(), Errc::InvalidArgument);
    EXPECT_NE(items.error().message().find("invalid maintenance-mode"), std::string::npos)
        << items.error().message();
    EXPECT_NE(items.error().message().find(c.error), std::string::npos)
        << c.text << ": " << items.error().message();
  }
  auto no_default = parse_property_string(tuning_schema(), "none");
  ASSERT_FALSE(no_default);
  EXPECT_NE(no_default.error().message().find("expected key=value"), std::string::npos);
}

TEST(PropertyStringTest, FormatsInDeclarationOrderQuotingOnlyWhenNeeded) {
  EXPECT_EQ(format_property_string(maintenance_mode_schema(),
                                   {{"message", "disk swap"}, {"type", "read-only"}}),
            "read-only,message=disk swap");
  EXPECT_EQ(format_property_string(maintenance_mode_schema(),
                                   {{"type", "offline"}, {"message", "a, b"}}),
            "offline,message=a, b");  // PBS-compat: commas are not quoted
  EXPECT_EQ(format_property_string(maintenance_mode_schema(),
                                   {{"type", "offline"}, {"message", "say \"hi\"\n"}}),
            "offline,message=\"say \\\"hi\\\"\\n\"");
  EXPECT_EQ(format_property_string(tuning_schema(),
                                   {{"sync-level", "file"}, {"chunk-order", "none"}}),
            "chunk-order=none,sync-level=file");
}

TEST(PropertyStringTest, DecodesTuningAndMaintenanceMode) {
  auto defaults = parse_tuning(std::nullopt);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->chunk_order, ChunkOrder::Inode);
  EXPECT_EQ(defaults->sync_level, SyncLevel::Filesystem);
  auto t = parse_tuning(std::string("chunk-order=none,sync-level=file"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->chunk_order, ChunkOrder::None);
  EXPECT_EQ(t->sync_level, SyncLevel::File);
  EXPECT_FALSE(parse_tuning(std::string("sync-level=sometimes")));

  auto m = parse_maintenance_mode("read-only,message=disk swap");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, MaintenanceType::ReadOnly);
  EXPECT_EQ(m->message, "disk swap");
  auto off = parse_maintenance_mode("offline");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->type, MaintenanceType::Offline);
  EXPECT_FALSE(off->message.has_value());
}

}  // namespace
}  // namespace ferry::config
