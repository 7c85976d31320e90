#include "client/internal/envelope.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/fingerprint.h"

namespace ferry::client::internal {
namespace {

TEST(EnvelopeTest, StatusMapsToErrc) {
  const std::vector<std::pair<int, Errc>> cases = {
      {400, Errc::InvalidArgument}, {401, Errc::Unauthenticated}, {403, Errc::PermissionDenied},
      {404, Errc::NotFound},        {408, Errc::Timeout},         {409, Errc::Conflict},
      {413, Errc::InvalidArgument}, {414, Errc::InvalidArgument}, {429, Errc::Unavailable},
      {500, Errc::Internal},        {501, Errc::Internal},        {502, Errc::Unavailable},
      {503, Errc::Unavailable},     {504, Errc::Timeout},         {302, Errc::Internal},
  };
  for (auto [status, code] : cases) {
    EXPECT_EQ(errc_for_status(status), code) << "status " << status;
  }
}

TEST(EnvelopeTest, ErrorCarriesTheServersPlainTextMessage) {
  Error e = status_error(404, "namespace not found\n", "GET /api2/json/x");
  EXPECT_EQ(e.code(), Errc::NotFound);
  EXPECT_EQ(e.message(), "namespace not found");
  EXPECT_EQ(e.to_string(), "GET /api2/json/x failed with status 404: namespace not found");
}

TEST(EnvelopeTest, EmptyErrorBodyNamesTheStatus) {
  Error e = status_error(503, "  ", "POST /finish");
  EXPECT_EQ(e.code(), Errc::Unavailable);
  EXPECT_EQ(e.message(), "HTTP 503");
}

TEST(EnvelopeTest, LongErrorBodiesAreCut) {
  Error e = status_error(400, std::string(10000, 'x'), "GET /");
  EXPECT_EQ(e.message().size(), 4096u);
}

TEST(EnvelopeTest, DataOfSuccessfulResponses) {
  struct Case {
    std::string body;
    nlohmann::json data;
  };
  const std::vector<Case> cases = {
      {R"({"data":5})", 5},
      {R"({"data":null})", nullptr},
      {R"({"data":{"a":[1,2]},"total":2})", {{"a", {1, 2}}}},
      {"", nullptr},  // an empty successful body means null (protocol.md §3.2)
      {"\n", nullptr},
  };
  for (const auto& c : cases) {
    auto data = envelope_data(200, c.body, "GET /x");
    ASSERT_TRUE(data) << "body '" << c.body << "': " << data.error().to_string();
    EXPECT_EQ(*data, c.data) << "body '" << c.body << "'";
  }
}

TEST(EnvelopeTest, MalformedSuccessBodiesAreCorruption) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"x":1})", "GET /x: got result without data property"},
      {"not json", "GET /x: invalid JSON in response (8 bytes)"},
      {"[1,2]", "GET /x: response is a JSON array, not an object"},
  };
  for (const auto& [body, text] : cases) {
    auto data = envelope_data(200, body, "GET /x");
    ASSERT_FALSE(data) << "body '" << body << "'";
    EXPECT_EQ(data.error().code(), Errc::Corruption) << "body '" << body << "'";
    EXPECT_EQ(data.error().to_string(), text) << "body '" << body << "'";
  }
}

TEST(EnvelopeTest, ErrorStatusWinsOverBody) {
  auto data = envelope_data(401, "permission check failed.", "login");
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(data.error().to_string(), "login failed with status 401: permission check failed.");
}

TEST(FingerprintTest, ParseAcceptsEitherCaseAndLowercases) {
  std::string upper;
  for (int i = 0; i < 32; ++i) upper += (i ? ":" : "") + std::string("AB");
  auto fp = parse_fingerprint(upper);
  ASSERT_TRUE(fp) << fp.error().to_string();
  EXPECT_EQ(fp->substr(0, 6), "ab:ab:");
  EXPECT_EQ(fp->size(), 95u);
}

TEST(FingerprintTest, ParseRejectsMalformedInput) {
  std::string good;
  for (int i = 0; i < 32; ++i) good += (i ? ":" : "") + std::string("0f");
  const std::vector<std::string> bad = {
      "",
      good.substr(0, 92),                    // 31 pairs
      good + ":00",                          // 33 pairs
      std::string(good).replace(2, 1, "-"),  // wrong separator
      std::string(good).replace(0, 1, "g"),  // not hex
      std::string(64, 'a'),                  // no separators
  };
  for (const auto& text : bad) {
    auto fp = parse_fingerprint(text);
    ASSERT_FALSE(fp) << "input: '" << text << "'";
    EXPECT_EQ(fp.error().code(), Errc::InvalidArgument) << "input: '" << text << "'";
  }
}

TEST(FingerprintTest, OfDerIsColonSeparatedSha256) {
  // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad
  EXPECT_EQ(fingerprint_of_der("abc"),
            "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:"
            "b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15:ad");
}

}  // namespace
}  // namespace ferry::client::internal
