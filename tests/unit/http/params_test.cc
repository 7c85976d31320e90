#include "http/params.h"

#include <gtest/gtest.h>

namespace ferry::http {
namespace {

using nlohmann::json;

ParamSchema remote_schema() {
  ParamSchema s;
  s.add("name", {.type = ParamType::String, .min_length = 3, .max_length = 32});
  s.add("port", {.type = ParamType::Integer, .optional = true, .minimum = 1, .maximum = 65535});
  s.add("verify", {.type = ParamType::Boolean, .optional = true});
  s.add("delete", {.type = ParamType::Array, .optional = true});
  s.add("ratio", {.type = ParamType::Number, .optional = true});
  return s;
}

ParamSources form(std::string_view body, std::string_view query = "") {
  ParamSources src;
  src.body = body;
  src.query = query;
  return src;
}

ParamSources json_body(std::string_view body, std::string_view query = "") {
  ParamSources src = form(body, query);
  src.json_body = true;
  return src;
}

std::string errors_of(const ParamSources& src, const ParamSchema* schema) {
  auto r = decode_params(src, schema);
  if (r) return "accepted: " + r->dump();
  return format_param_errors(r.error());
}

TEST(ParamsTest, FormValuesAreConvertedPerSchema) {
  auto schema = remote_schema();
  auto r = decode_params(form("name=pbs1&port=8007&verify=ON", "ratio=0.5&_dc=12345"), &schema);
  ASSERT_TRUE(r) << format_param_errors(r.error());
  EXPECT_EQ(*r, json({{"name", "pbs1"}, {"port", 8007}, {"verify", true}, {"ratio", 0.5}}));
}

TEST(ParamsTest, BooleanSpellings) {
  auto schema = remote_schema();
  for (const char* t : {"1", "on", "yes", "true", "TRUE", "Yes"}) {
    auto r = decode_params(form(std::string("name=abc&verify=") + t), &schema);
    ASSERT_TRUE(r) << t;
    EXPECT_EQ((*r)["verify"], true) << t;
  }
  for (const char* f : {"0", "off", "no", "false", "OFF"}) {
    auto r = decode_params(form(std::string("name=abc&verify=") + f), &schema);
    ASSERT_TRUE(r) << f;
    EXPECT_EQ((*r)["verify"], false) << f;
  }
  EXPECT_EQ(errors_of(form("name=abc&verify=maybe"), &schema),
            "parameter verification failed - 'verify': Expected boolean value.");
}

TEST(ParamsTest, RepeatedKeyMakesArrayAndCommaIsNotSplit) {
  auto schema = remote_schema();
  auto r = decode_params(form("name=abc&delete=comment&delete=port,rate-in"), &schema);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["delete"], json({"comment", "port,rate-in"}));
}

TEST(ParamsTest, FormAndQueryAreMergedAndDuplicatesRejected) {
  auto schema = remote_schema();
  auto r = decode_params(form("name=abc", "port=22"), &schema);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["port"], 22);
  EXPECT_EQ(errors_of(form("name=abc&port=1", "port=2"), &schema),
            "parameter verification failed - 'port': duplicate parameter.");
}

TEST(ParamsTest, PercentAndPlusDecoding) {
  auto r = decode_params(form("a=x%20y+z&b%2Fc=%C3%A4"), nullptr);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["a"], "x y z");
  EXPECT_EQ((*r)["b/c"], "\xC3\xA4");
}

TEST(ParamsTest, JsonBodyNeedsExactTypesAndIgnoresQuery) {
  auto schema = remote_schema();
  auto r = decode_params(
      json_body(R"({"name":"pbs1","port":8007,"delete":["a","b"]})", "verify=1&unknown=x"),
      &schema);
  ASSERT_TRUE(r) << format_param_errors(r.error());
  EXPECT_EQ(*r, json({{"name", "pbs1"}, {"port", 8007}, {"delete", {"a", "b"}}}));
  EXPECT_EQ(errors_of(json_body(R"({"name":"pbs1","port":"7"})"), &schema),
            "parameter verification failed - 'port': Expected integer value.");
  EXPECT_EQ(errors_of(json_body(R"({"name":"pbs1","verify":1})"), &schema),
            "parameter verification failed - 'verify': Expected boolean value.");
  EXPECT_EQ(errors_of(json_body(R"({"name":"pbs1","delete":"a"})"), &schema),
            "parameter verification failed - 'delete': Expected array value.");
  EXPECT_EQ(errors_of(json_body(R"({"name":"pbs1","delete":[1]})"), &schema),
            "parameter verification failed - 'delete': Expected string value.");
}

TEST(ParamsTest, EmptyJsonBodyIsEmptyObject) {
  auto r = decode_params(json_body(""), nullptr);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, json::object());
}

TEST(ParamsTest, BadJsonNamesTheProblem) {
  struct Case {
    const char* body;
    const char* want;
  } cases[] = {
      {R"({"name": )", "invalid JSON body - parse error at line 1, column 10: syntax error"},
      {R"({"name": x})", "invalid JSON body - parse error at line 1, column 10"},
      {R"(["a"])", "invalid JSON body - expected an object"},
      {R"("text")", "invalid JSON body - expected an object"},
  };
  for (const auto& c : cases) {
    std::string got = errors_of(json_body(c.body), nullptr);
    EXPECT_EQ(got.rfind(c.want, 0), 0u) << c.body << " -> " << got;
    EXPECT_EQ(got.find("last read"), std::string::npos) << got;
  }
}

TEST(ParamsTest, UnknownAndMissingParametersAreReportedTogether) {
  auto schema = remote_schema();
  EXPECT_EQ(errors_of(form("name=abc&colour=red"), &schema),
            "parameter verification failed - 'colour': schema does not allow additional "
            "properties.");
  EXPECT_EQ(errors_of(form("port=0&zzz=1"), &schema),
            "parameter verification failed:\n"
            "- 'name': parameter is missing and it is not optional.\n"
            "- 'port': value must have a minimum value of 1\n"
            "- 'zzz': schema does not allow additional properties.");
}

TEST(ParamsTest, AdditionalPropertiesCanBeAllowed) {
  auto schema = remote_schema();
  schema.allow_additional();
  auto r = decode_params(form("name=abc&extra=1&extra=2"), &schema);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["extra"], json({"1", "2"}));
}

TEST(ParamsTest, BoundsAndCustomChecks) {
  auto schema = remote_schema();
  schema.add("fingerprint", {.optional = true, .check = [](const json& v) -> Status {
                               if (v.get<std::string>().size() == 95) return ok();
                               return make_error(Errc::InvalidArgument, "not a fingerprint");
                             }});
  EXPECT_EQ(errors_of(form("name=ab"), &schema),
            "parameter verification failed - 'name': value must be at least 3 characters long");
  EXPECT_EQ(errors_of(form("name=" + std::string(33, 'a')), &schema),
            "parameter verification failed - 'name': value may only be 32 characters long");
  EXPECT_EQ(errors_of(form("name=abc&port=70000"), &schema),
            "parameter verification failed - 'port': value must have a maximum value of 65535");
  EXPECT_EQ(errors_of(form("name=abc&port=12a"), &schema),
            "parameter verification failed - 'port': Expected integer value.");
  EXPECT_EQ(errors_of(form("name=abc&fingerprint=xx"), &schema),
            "parameter verification failed - 'fingerprint': not a fingerprint");
}

TEST(ParamsTest, PathParametersAreConvertedAndWin) {
  ParamSchema schema;
  schema.add("node", {});
  schema.add("id", {.type = ParamType::Integer});
  ParamSources src = json_body(R"({"node":"other"})");
  src.path_params = {{"node", "localhost"}, {"id", "42"}};
  auto r = decode_params(src, &schema);
  ASSERT_TRUE(r) << format_param_errors(r.error());
  EXPECT_EQ(*r, json({{"node", "localhost"}, {"id", 42}}));
}

TEST(ParamsTest, MalformedEncodingIsRejected) {
  EXPECT_EQ(errors_of(form("a=%zz"), nullptr), "invalid percent-encoding in '%zz'");
  EXPECT_EQ(errors_of(form("a=%4"), nullptr), "invalid percent-encoding in '%4'");
  EXPECT_EQ(errors_of(form("a=%ff"), nullptr), "parameter 'a=%ff' is not valid UTF-8");
  EXPECT_EQ(errors_of(form("a=\xff"), nullptr), "request body is not valid UTF-8");
}

}  // namespace
}  // namespace ferry::http
