#include "config/section_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/remote_config.h"
#include "config/sync_job_config.h"

namespace ferry::config {
namespace {

const SectionConfigSchema& remote_schema() { return remote_config_file().schema; }
const SectionConfigSchema& sync_schema() { return sync_config_file().schema; }

const std::string kRemoteBody = "\tauth-id sync@pam\n\thost pbs2.example\n\tpassword U0VDUkVU\n";

struct ValidCase {
  std::string name;
  const SectionConfigSchema* schema;
  std::string text;
  // Expected sections: id, then key=value pairs to check (a subset of the properties).
  std::vector<std::string> ids;
  std::vector<std::pair<std::string, std::string>> values;  // checked on the first section
};

TEST(SectionConfigTest, ParsesValidGrammarVariants) {
  const std::vector<ValidCase> cases = {
      {"empty file", &remote_schema(), "", {}, {}},
      {"only blank lines", &remote_schema(), "\n  \n\t\n", {}, {}},
      {"canonical", &remote_schema(), "remote: pbs2\n" + kRemoteBody, {"pbs2"},
       {{"host", "pbs2.example"}}},
      {"no space after colon", &remote_schema(), "remote:pbs2\n" + kRemoteBody, {"pbs2"}, {}},
      {"spaces around type and id", &remote_schema(), "remote :  pbs2  \n" + kRemoteBody,
       {"pbs2"}, {}},
      {"crlf line endings", &remote_schema(),
       "remote: pbs2\r\n\tauth-id sync@pam\r\n\thost h1\r\n\tpassword cA==\r\n", {"pbs2"},
       {{"host", "h1"}, {"password", "cA=="}}},
      {"spaces instead of tabs", &remote_schema(),
       "remote: pbs2\n  auth-id sync@pam\n    host   h1  \n password cA==\n", {"pbs2"},
       {{"host", "h1"}}},
      {"no newline at end of file", &remote_schema(),
       "remote: pbs2\n\tauth-id sync@pam\n\thost h1\n\tpassword cA==", {"pbs2"},
       {{"password", "cA=="}}},
      {"trailing blank lines", &remote_schema(), "remote: pbs2\n" + kRemoteBody + "\n\n\n",
       {"pbs2"}, {}},
      {"whitespace-only separator line", &remote_schema(),
       "remote: aaa\n" + kRemoteBody + " \t \nremote: bbb\n" + kRemoteBody, {"aaa", "bbb"}, {}},
      {"several blank lines between sections", &remote_schema(),
       "remote: aaa\n" + kRemoteBody + "\n\n\nremote: bbb\n" + kRemoteBody, {"aaa", "bbb"}, {}},
      {"empty value with trailing space", &remote_schema(),
       "remote: pbs2\n" + kRemoteBody + "\tcomment \n", {"pbs2"}, {{"comment", ""}}},
      {"inner whitespace and quotes kept", &remote_schema(),
       "remote: pbs2\n" + kRemoteBody + "\tcomment  \"a  b\"  \n", {"pbs2"},
       {{"comment", "\"a  b\""}}},
      {"unicode whitespace trimmed", &remote_schema(),
       "remote: pbs2\n" + kRemoteBody + "\tcomment caf\xc3\xa9\xc2\xa0\n", {"pbs2"},
       {{"comment", "caf\xc3\xa9"}}},
      {"integer canonicalized", &remote_schema(), "remote: pbs2\n" + kRemoteBody + "\tport +007\n",
       {"pbs2"}, {{"port", "7"}}},
      {"id property in body is ignored", &remote_schema(),
       "remote: pbs2\n" + kRemoteBody + "\tname other\n", {"pbs2"}, {}},
      {"boolean yes", &sync_schema(), "sync: job1\n\tremote-store src\n\tremove-vanished YES\n"
       "\tstore dst\n", {"job1"}, {{"remove-vanished", "true"}}},
      {"boolean 0", &sync_schema(), "sync: job1\n\tremote-store src\n\tremove-vanished 0\n"
       "\tstore dst\n", {"job1"}, {{"remove-vanished", "false"}}},
      {"boolean Off", &sync_schema(), "sync: job1\n\tremote-store src\n\tremove-vanished Off\n"
       "\tstore dst\n", {"job1"}, {{"remove-vanished", "false"}}},
      {"explicit root namespace", &sync_schema(), "sync: job1\n\tns \n\tremote-store src\n"
       "\tstore dst\n", {"job1"}, {{"ns", ""}}},
      {"duplicate section id replaces earlier in place", &remote_schema(),
       "remote: aaa\n" + kRemoteBody + "\nremote: bbb\n" + kRemoteBody + "\nremote: aaa\n" +
           "\tauth-id x@pbs\n\thost h2\n\tpassword cA==\n",
       {"aaa", "bbb"}, {{"host", "h2"}}},
  };
  for (const ValidCase& c : cases) {
    auto data = parse_section_config(*c.schema, c.text);
    ASSERT_TRUE(data) << c.name << ": " << data.error().to_string();
    std::vector<std::string> ids;
    for (const Section& s : data->sections()) ids.push_back(s.id);
    EXPECT_EQ(ids, c.ids) << c.name;
    for (const auto& [key, value] : c.values) {
      const std::string* v = data->sections().front().get(key);
      ASSERT_NE(v, nullptr) << c.name << ": " << key;
      EXPECT_EQ(*v, value) << c.name << ": " << key;
    }
  }
}

TEST(SectionConfigTest, RepeatedArrayPropertyKeepsFileOrder) {
  auto data = parse_section_config(
      sync_schema(),
      "sync: job1\n\tgroup-filter type:vm\n\tgroup-filter exclude:group:vm/100\n"
      "\tgroup-filter regex:^ct/\n\tremote-store src\n\tstore dst\n");
  ASSERT_TRUE(data) << data.error().to_string();
  EXPECT_EQ(data->find("job1")->get_all("group-filter"),
            (std::vector<std::string>{"type:vm", "exclude:group:vm/100", "regex:^ct/"}));
}

struct InvalidCase {
  std::string name;
  const SectionConfigSchema* schema;
  std::string text;
  std::string error;  // expected substring, including "<file>:<line>:"
};

TEST(SectionConfigTest, RejectsMalformedFilesNamingFileLineAndReason) {
  const std::string long_line = "remote: pbs2\n\tcomment " + std::string(70000, 'x') + "\n";
  const std::vector<InvalidCase> cases = {
      {"property before header", &remote_schema(), "\thost h1\n",
       "remote.cfg:1: syntax error (expected header)"},
      {"comment line at top level", &remote_schema(), "# remotes\nremote: pbs2\n" + kRemoteBody,
       "remote.cfg:1: syntax error (expected header)"},
      {"indented comment line is a property", &remote_schema(),
       "remote: pbs2\n" + kRemoteBody + "\t# note\n",
       "remote.cfg:5: unknown property '#' in remote 'pbs2'"},
      {"header without colon", &remote_schema(), "remote pbs2\n",
       "remote.cfg:1: syntax error (expected header)"},
      {"header with empty type", &remote_schema(), ": pbs2\n",
       "remote.cfg:1: syntax error (expected header)"},
      {"header starting with a digit", &remote_schema(), "1remote: pbs2\n",
       "remote.cfg:1: syntax error (expected header)"},
      {"unknown section type", &remote_schema(), "sync: pbs2\n" + kRemoteBody,
       "remote.cfg:1: unknown section type 'sync'"},
      {"invalid section id", &remote_schema(), "remote: ab\n" + kRemoteBody,
       "remote.cfg:1: invalid remote id: invalid remote name 'ab'"},
      {"header right after a property", &remote_schema(),
       "remote: aaa\n" + kRemoteBody + "remote: bbb\n" + kRemoteBody,
       "remote.cfg:5: syntax error (expected section properties)"},
      {"unindented property", &remote_schema(), "remote: pbs2\nhost h1\n",
       "remote.cfg:2: syntax error (expected section properties)"},
      {"unknown property", &remote_schema(), "remote: pbs2\n\tauth-id a@pam\n\thots h1\n",
       "remote.cfg:3: unknown property 'hots' in remote 'pbs2'"},
      {"duplicate property", &remote_schema(), "remote: pbs2\n" + kRemoteBody + "\thost h2\n",
       "remote.cfg:5: duplicate property 'host' in remote 'pbs2'"},
      {"property without separator", &remote_schema(), "remote: pbs2\n" + kRemoteBody +
       "\tcomment\n", "remote.cfg:5: syntax error (expected section properties): property "
       "'comment' without a value"},
      {"missing required property", &remote_schema(),
       "remote: pbs2\n\tauth-id a@pam\n\thost h1\n",
       "remote.cfg:1: missing required property 'password' in remote 'pbs2'"},
      {"missing required in second section", &remote_schema(),
       "remote: aaa\n" + kRemoteBody + "\nremote: bbb\n\thost h1\n",
       "remote.cfg:6: missing required property"},
      {"integer not a number", &remote_schema(), "remote: pbs2\n" + kRemoteBody + "\tport abc\n",
       "remote.cfg:5: invalid value for property 'port' in remote 'pbs2': value 'abc' is not an "
       "integer"},
      {"integer with two signs", &remote_schema(), "remote: pbs2\n" + kRemoteBody +
       "\tport +-5\n", "value '+-5' is not an integer"},
      {"integer above range", &remote_schema(), "remote: pbs2\n" + kRemoteBody +
       "\tport 70000\n", "value '70000' is out of range 0..65535"},
      {"integer below range", &remote_schema(), "remote: pbs2\n" + kRemoteBody + "\tport -1\n",
       "value '-1' is out of range 0..65535"},
      {"integer overflow", &remote_schema(), "remote: pbs2\n" + kRemoteBody +
       "\tport 99999999999999999999\n", "is not an integer"},
      {"bad boolean", &sync_schema(), "sync: job1\n\tremote-store src\n\tremove-vanished maybe\n",
       "sync.cfg:3: invalid value for property 'remove-vanished' in sync 'job1': value 'maybe' is "
       "not a boolean"},
      {"control character in value", &remote_schema(), "remote: pbs2\n" + kRemoteBody +
       "\tcomment a\x01" "b\n", "remote.cfg:5: invalid value for property 'comment'"},
      {"invalid utf-8", &remote_schema(), "remote: pbs2\n" + kRemoteBody + "\tcomment \xff\n",
       "remote.cfg:5: line is not valid UTF-8"},
      {"string too long", &remote_schema(), "remote: pbs2\n" + kRemoteBody + "\tcomment " +
       std::string(129, 'c') + "\n", "value is too long (maximum 128 characters)"},
      {"format validator", &remote_schema(), "remote: pbs2\n" + kRemoteBody +
       "\tfingerprint 64:d3\n", "invalid fingerprint '64:d3'"},
      {"line too long", &remote_schema(), long_line, "remote.cfg:2: line is longer than"},
      {"bad group filter", &sync_schema(), "sync: job1\n\tgroup-filter foo:bar\n",
       "sync.cfg:2: invalid value for property 'group-filter' in sync 'job1': invalid group "
       "filter 'foo:bar': expected 'group', 'type' or 'regex' prefix, got 'foo'"},
  };
  for (const InvalidCase& c : cases) {
    auto data = parse_section_config(*c.schema, c.text);
    ASSERT_FALSE(data) << c.name;
    EXPECT_EQ(data.error().code(), Errc::Corruption) << c.name;
    EXPECT_NE(data.error().message().find(c.error), std::string::npos)
        << c.name << "\n  got:      " << data.error().message() << "\n  expected: " << c.error;
  }
}

TEST(SectionConfigTest, RejectsFileOverSizeLimit) {
  std::string text(kMaxConfigFileSize + 1, '\n');
  auto data = parse_section_config(remote_schema(), text);
  ASSERT_FALSE(data);
  EXPECT_NE(data.error().message().find("remote.cfg: file is larger than"), std::string::npos)
      << data.error().message();
}

TEST(SectionConfigTest, WritesSortedKeysTabsAndBlankLineBetweenSections) {
  SectionConfigData data;
  Section a{"remote", "pbs2", {}};
  a.set("port", "8007");
  a.set("host", "h1");
  a.set("password", "cA==");
  a.set("auth-id", "a@pam");
  a.set("comment", "");
  a.set("name", "ignored");  // the id property is never written
  Section b{"remote", "aaa", {}};
  b.set("password", "cA==");
  b.set("host", "h2");
  b.set("auth-id", "b@pbs!t1");
  data.set(a);
  data.set(b);
  auto text = write_section_config(remote_schema(), data);
  ASSERT_TRUE(text) << text.error().to_string();
  EXPECT_EQ(*text,
            "remote: pbs2\n\tauth-id a@pam\n\tcomment \n\thost h1\n\tpassword cA==\n\tport 8007\n"
            "\nremote: aaa\n\tauth-id b@pbs!t1\n\thost h2\n\tpassword cA==\n");
}

TEST(SectionConfigTest, WritesEmptyConfigAsZeroBytesAndArraysInOrder) {
  auto empty = write_section_config(remote_schema(), SectionConfigData{});
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");

  SectionConfigData data;
  Section s{"sync", "job1", {}};
  s.set("store", "dst");
  s.set("remote-store", "src");
  s.set("remove-vanished", "yes");  // canonicalized on write
  s.set_all("group-filter", {"type:vm", "exclude:type:ct"});
  data.set(s);
  auto text = write_section_config(sync_schema(), data);
  ASSERT_TRUE(text) << text.error().to_string();
  EXPECT_EQ(*text,
            "sync: job1\n\tgroup-filter type:vm\n\tgroup-filter exclude:type:ct\n"
            "\tremote-store src\n\tremove-vanished true\n\tstore dst\n");
}

TEST(SectionConfigTest, WriteRejectsSectionsThatWouldNotReadBack) {
  struct Case {
    std::string name;
    std::string key;
    std::string value;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"newline in value", "comment", "a\nhost evil", "property 'comment'"},
           {"leading whitespace", "comment", " a", "leading or trailing whitespace"},
           {"unknown property", "hots", "h1", "unknown property 'hots'"},
           {"bad port", "port", "99999", "out of range"},
           {"bad host", "host", "a b", "invalid host"}}) {
    Section s{"remote", "pbs2", {}};
    s.set("host", "h1");
    s.set("auth-id", "a@pam");
    s.set("password", "cA==");
    s.set(c.key, c.value);
    SectionConfigData data;
    data.set(s);
    auto text = write_section_config(remote_schema(), data);
    ASSERT_FALSE(text) << c.name;
    EXPECT_EQ(text.error().code(), Errc::InvalidArgument) << c.name;
    EXPECT_NE(text.error().message().find("remote.cfg: remote 'pbs2': "), std::string::npos)
        << c.name << ": " << text.error().message();
    EXPECT_NE(text.error().message().find(c.error), std::string::npos)
        << c.name << ": " << text.error().message();
  }
  Section missing{"remote", "pbs2", {}};
  missing.set("host", "h1");
  SectionConfigData data;
  data.set(missing);
  auto text = write_section_config(remote_schema(), data);
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message().find("missing required property 'auth-id'"),
            std::string::npos)
      << text.error().message();
}

TEST(SectionConfigTest, DataSetReplacesInPlaceAndRemoveDeletes) {
  SectionConfigData data;
  data.set(Section{"remote", "a", {}});
  data.set(Section{"remote", "b", {}});
  Section a2{"remote", "a", {}};
  a2.set("host", "x");
  data.set(a2);
  ASSERT_EQ(data.sections().size(), 2u);
  EXPECT_EQ(data.sections()[0].id, "a");
  EXPECT_EQ(*data.sections()[0].get("host"), "x");
  EXPECT_TRUE(data.remove("a"));
  EXPECT_FALSE(data.remove("a"));
  EXPECT_EQ(data.find("a"), nullptr);
  EXPECT_NE(data.find("b"), nullptr);
}

}  // namespace
}  // namespace ferry::config
