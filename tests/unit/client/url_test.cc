#include "client/internal/url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/http_client.h"

namespace ferry::client::internal {
namespace {

struct Pair {
  std::string input;
  std::string expected;
};

TEST(UrlTest, FormEncodeMatchesThePbsClient) {
  const std::vector<Pair> cases = {
      {"store1", "store1"},   {"a/b", "a%2Fb"},  // protocol.md §2.1 example
      {"x y", "x+y"},         {"A-z_0.9*", "A-z_0.9*"}, {"~!'()", "%7E%21%27%28%29"},
      {"a=b&c", "a%3Db%26c"}, {"\xc3\xa4", "%C3%A4"},   {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(form_encode(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

TEST(UrlTest, JsonToQuerySortsKeysRepeatsArraysAndSkipsNulls) {
  nlohmann::json params = {{"store", "s 1"},
                           {"backup-time", 1717597476},
                           {"debug", false},
                           {"delete", {"comment", "port"}},
                           {"ns", nullptr}};
  auto q = json_to_query(params);
  ASSERT_TRUE(q) << q.error().to_string();
  EXPECT_EQ(*q, "backup-time=1717597476&debug=false&delete=comment&delete=port&store=s+1");
}

TEST(UrlTest, JsonToQueryOfNullIsEmpty) {
  auto q = json_to_query(nullptr);
  ASSERT_TRUE(q);
  EXPECT_EQ(*q, "");
}

TEST(UrlTest, JsonToQueryRejectsWhatCannotBeFormEncoded) {
  const std::vector<nlohmann::json> cases = {
      nlohmann::json::array({1, 2}),
      nlohmann::json("text"),
      {{"nested", {{"a", 1}}}},
      {{"list", {nlohmann::json::array({1})}}},
  };
  for (const auto& c : cases) {
    auto q = json_to_query(c);
    ASSERT_FALSE(q) << "input: " << c.dump();
    EXPECT_EQ(q.error().code(), Errc::InvalidArgument) << "input: " << c.dump();
  }
}

TEST(UrlTest, PathSegmentKeepsOnlyUnreservedCharacters) {
  const std::vector<Pair> cases = {
      {"store1", "store1"},
      {"a b/c", "a%20b%2Fc"},
      {"UPID:node:0000:1:2:sync:job:root@pam:",
       "UPID%3Anode%3A0000%3A1%3A2%3Async%3Ajob%3Aroot%40pam%3A"},
      {"a~b-c.d_e", "a~b-c.d_e"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(encode_path_segment(c.input), c.expected) << "input: '" << c.input << "'";
    EXPECT_EQ(encode_path_component(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

TEST(UrlTest, CookieValueEscapesOnlyTheSmallSetOfAuthMd) {
  const std::vector<Pair> cases = {
      // ':' '@' '!' '+' '/' '=' stay literal (auth.md §2.2).
      {"PBS:root@pam:65F0A1B2::ab+/cd=", "PBS:root@pam:65F0A1B2::ab+/cd="},
      {"PBS:a!b@pbs:1::x", "PBS:a!b@pbs:1::x"},
      {"a b", "a%20b"},
      {"\"#<>?{}`", "%22%23%3C%3E%3F%7B%7D%60"},
      {"\x01\x7f\xc3", "%01%7F%C3"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(encode_cookie_value(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

TEST(UrlTest, QueryBuilderKeepsInsertionOrder) {
  QueryBuilder q;
  q.add("wid", uint64_t{3}).add("digest", "ab").add("size", int64_t{-1}).add("debug", true);
  EXPECT_EQ(q.str(), "wid=3&digest=ab&size=-1&debug=true");
}

}  // namespace
}  // namespace ferry::client::internal
