#include "cli/internal/args.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ferry::cli::internal {
namespace {

TEST(ParseBoolTest, AcceptsPbsFormsCaseInsensitively) {
  for (const char* yes : {"1", "on", "yes", "true", "TRUE", "Yes", "On"}) {
    EXPECT_EQ(parse_bool("remove-vanished", yes).value(), true) << "input: " << yes;
  }
  for (const char* no : {"0", "off", "no", "false", "False", "NO"}) {
    EXPECT_EQ(parse_bool("remove-vanished", no).value(), false) << "input: " << no;
  }
  for (const char* bad : {"", "2", "y", "truee", " true"}) {
    auto r = parse_bool("remove-vanished", bad);
    ASSERT_FALSE(r) << "input: '" << bad << "'";
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
    EXPECT_NE(r.error().message().find("parameter 'remove-vanished'"), std::string::npos)
        << r.error().message();
  }
}

TEST(ParseIntegerTest, AcceptsSignedDecimalOnly) {
  EXPECT_EQ(parse_integer("port", "8007").value(), 8007);
  EXPECT_EQ(parse_integer("port", "+12").value(), 12);
  EXPECT_EQ(parse_integer("port", "-1").value(), -1);
  EXPECT_EQ(parse_integer("port", "007").value(), 7);
  for (const char* bad : {"", "+", "-", "12a", "0x10", " 1", "1 ", "+-1", "1.5"}) {
    auto r = parse_integer("port", bad);
    ASSERT_FALSE(r) << "input: '" << bad << "'";
    EXPECT_NE(r.error().message().find("parameter 'port'"), std::string::npos);
    EXPECT_NE(r.error().message().find("not an integer"), std::string::npos) << r.error().message();
  }
  auto big = parse_integer("port", "99999999999999999999");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message().find("too large"), std::string::npos);
}

// Parses `argv` with one subcommand "cmd" whose options are bound through Args.
struct Bound {
  CLI::App app{"test"};
  CLI::App* cmd = app.add_subcommand("cmd");
  Args args{*cmd};
  std::optional<std::string> text;
  std::optional<int64_t> number;
  std::optional<bool> flag;
  std::vector<std::string> list;

  Bound() {
    args.text("auth-id", text, "", {"userid"});
    args.integer("port", number, "");
    args.boolean("remove-vanished", flag, "");
    args.list("group-filter", list, "");
  }
  void parse(std::vector<std::string> argv) {
    std::reverse(argv.begin(), argv.end());  // CLI11 takes them in reverse
    app.parse(argv);
  }
};

TEST(ArgsTest, BindsTypedValuesAndAliases) {
  Bound b;
  b.parse({"cmd", "--userid", "sync@pam", "--port", "8007", "--remove-vanished", "yes",
           "--group-filter", "type:ct", "--group-filter", "regex:^vm/1\\d{2,3}$"});
  ASSERT_TRUE(b.args.status());
  EXPECT_EQ(b.text, "sync@pam");
  EXPECT_EQ(b.number, 8007);
  EXPECT_EQ(b.flag, true);
  EXPECT_EQ(b.list, (std::vector<std::string>{"type:ct", "regex:^vm/1\\d{2,3}$"}));
}

TEST(ArgsTest, UnsetOptionsStayUnset) {
  Bound b;
  b.parse({"cmd"});
  ASSERT_TRUE(b.args.status());
  EXPECT_FALSE(b.text);
  EXPECT_FALSE(b.number);
  EXPECT_FALSE(b.flag);
  EXPECT_TRUE(b.list.empty());
}

TEST(ArgsTest, RecordsTheFirstConversionErrorInsteadOfThrowing) {
  Bound b;
  b.parse({"cmd", "--port", "eighty", "--remove-vanished", "maybe"});
  auto status = b.args.status();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message(), "invalid parameter 'port': value 'eighty' is not an integer");
}

}  // namespace
}  // namespace ferry::cli::internal
