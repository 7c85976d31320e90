#include "types/authid.h"

#include <gtest/gtest.h>

namespace ferry::types {
namespace {

TEST(AuthidTest, ParsesUsersAndTokens) {
  auto a = Authid::parse("sync@pbs!pull-job");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_token());
  EXPECT_EQ(a->user().to_string(), "sync@pbs");
  EXPECT_EQ(*a->token_name(), "pull-job");
  EXPECT_EQ(a->to_string(), "sync@pbs!pull-job");
  auto u = Authid::parse("user@example.com@pbs");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user().name(), "user@example.com");
  auto bang = Authid::parse("we!rd@pam");  // '!' before the last '@' belongs to the name
  ASSERT_TRUE(bang);
  EXPECT_FALSE(bang->is_token());
  EXPECT_TRUE(Authid::parse("root@pam")->is_root());
  EXPECT_FALSE(Authid::parse("root@pam!tok")->is_root());
}

TEST(AuthidTest, RejectsInvalidIdsWithReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c : {Case{"nobody", "expected <name>@<realm>"},
                        Case{"@pam", "empty user name"}, Case{"a b@pam", "whitespace"},
                        Case{"a:b@pam", "':'"}, Case{"a/b@pam", "'/'"}, Case{"ab@p", "realm"},
                        Case{"sync@pbs!", "token name"}, Case{"sync@pbs!-x", "token name"},
                        Case{"x@", "3 to 64"}}) {
    auto a = Authid::parse(c.text);
    ASSERT_FALSE(a) << c.text;
    EXPECT_NE(a.error().message().find(c.reason), std::string::npos)
        << c.text << " -> " << a.error().message();
  }
  EXPECT_FALSE(Authid::parse(std::string(60, 'a') + "@pbs!x"));
}

}  // namespace
}  // namespace ferry::types
