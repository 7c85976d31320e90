#include "http/api_service.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "http/blocking_pool.h"
#include "http/compression.h"
#include "http/router.h"

namespace ferry::http {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

Route route(RouteHandler handler, Access access = Access::Authenticated) {
  Route r;
  r.access = access;
  r.handler = std::move(handler);
  return r;
}

std::shared_ptr<Router> make_router() {
  auto router = std::make_shared<Router>();
  router->add(Method::Get, "/version", route([](ApiCall&) -> Result<json> {
                return json{{"version", "3.2"}, {"release", "4"}, {"repoid", "abc"}};
              }));
  router->add(Method::Get, "/ping",
              route(
                  [](ApiCall&) -> Result<json> {
                    return json{{"pong", true}};
                  },
                  Access::World));
  Route remote = route([](ApiCall& call) -> Result<json> {
    auto name = call.params["name"].get<std::string>();
    if (name == "missing") return make_error(Errc::NotFound, "no such remote '{}'", name);
    if (name == "throw") throw std::runtime_error("boom");
    call.attributes["digest"] = "00ff";
    return json{{"name", name}, {"port", call.params.value("port", 8007)}};
  });
  remote.params = ParamSchema();
  remote.params->add("name", {}).add("port", {.type = ParamType::Integer, .optional = true});
  router->add(Method::Get, "/config/remote/{name}", remote);
  router->add(Method::Post, "/config/remote/{name}", remote);
  Route guarded = route([](ApiCall&) -> Result<json> { return json(nullptr); });
  guarded.permission = [](const ApiCall& call) -> Status {
    if (call.auth_id == "root@pam") return ok();
    return make_error(Errc::PermissionDenied, "permission check failed");
  };
  router->add(Method::Get, "/admin/secret", guarded);
  Route inline_route = route([](ApiCall& call) -> Result<json> { return json(call.params); });
  inline_route.blocking = false;
  router->add(Method::Get, "/echo/{node}", inline_route);
  return router;
}

class ApiServiceTest : public ::testing::Test {
 protected:
  ApiServiceTest() : pool_(2) {
    options_.auth_failure_delay = options_.permission_failure_delay = {};
  }

  Response call(Method method, std::string target, std::string body = "",
                std::vector<Header> headers = {}) {
    ApiService service(make_router(), pool_, options_);
    Request req;
    req.method = method;
    req.method_text = std::string(method_name(method));
    req.target = std::move(target);
    req.body = std::move(body);
    for (auto& h : headers) req.headers.add(h.name, h.value);
    asio::io_context io;
    auto fut = asio::co_spawn(io, service.handle(std::move(req)), asio::use_future);
    io.run();
    return fut.get();
  }

  BlockingPool pool_;
  ApiServiceOptions options_;
};

TEST_F(ApiServiceTest, SuccessIsWrappedInDataEnvelope) {
  Response r = call(Method::Get, "/api2/json/version");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json;charset=UTF-8");
  EXPECT_EQ(r.body, R"({"data":{"release":"4","repoid":"abc","version":"3.2"}})");
}

TEST_F(ApiServiceTest, AttributesSitNextToData) {
  Response r = call(Method::Get, "/api2/json/config/remote/r1?port=22");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body),
            json::parse(R"({"data":{"name":"r1","port":22},"digest":"00ff"})"));
}

TEST_F(ApiServiceTest, ErrorsArePlainTextWithMappedStatus) {
  struct Case {
    Method method;
    std::string target;
    int status;
    std::string body;
  } cases[] = {
      {Method::Get, "/api2/json/config/remote/missing", 404, "no such remote 'missing'"},
      {Method::Get, "/api2/json/config/remote/throw", 500, "internal error"},
      {Method::Get, "/api2/json/nope", 404, "Path '/api2/json/nope' not found."},
      {Method::Put, "/api2/json/version", 404, "Path '/api2/json/version' not found."},
      {Method::Patch, "/api2/json/version", 404, "Path '/api2/json/version' not found."},
      {Method::Get, "/api2/xml/version", 400, "Unsupported output format 'xml'."},
      {Method::Get, "/api2", 404, "invalid api path '/api2'"},
      {Method::Get, "/api2/json/../version", 400, "path contains illegal components"},
      {Method::Get, "/api2/json/.hidden", 400, "path contains illegal components"},
      {Method::Get, "/index.html", 404, "Path '/index.html' not found."},
      {Method::Get, "/api2/json/config/remote/r1?colour=red", 400,
       "parameter verification failed - 'colour': schema does not allow additional properties."},
      {Method::Get, "/api2/json/config/remote/r1?port=x", 400,
       "parameter verification failed - 'port': Expected integer value."},
      {Method::Get, "/api2/json/" + std::string(3100, 'a'), 414, ""},
  };
  for (const auto& c : cases) {
    Response r = call(c.method, c.target);
    EXPECT_EQ(r.status, c.status) << c.target.substr(0, 80);
    EXPECT_EQ(r.body, c.body) << c.target.substr(0, 80);
    EXPECT_EQ(r.headers.get("Content-Type"), "application/json;charset=UTF-8");
  }
}

TEST_F(ApiServiceTest, PathComponentsArePercentDecodedAndSlashesCollapse) {
  Response r = call(Method::Get, "//api2///json/echo/my%20node");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"data":{"node":"my node"}})");
}

TEST_F(ApiServiceTest, JsonBodyIgnoresQueryAndBadJsonIsNamed) {
  std::vector<Header> json_ct = {{"Content-Type", "application/json"}};
  Response ok = call(Method::Post, "/api2/json/config/remote/r2?port=x", R"({"port":1})", json_ct);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["data"]["port"], 1);
  Response bad = call(Method::Post, "/api2/json/config/remote/r2", R"({"port":)", json_ct);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.rfind("invalid JSON body - parse error at line 1, column 9", 0), 0u)
      << bad.body;
}

TEST_F(ApiServiceTest, ContentTypeAndBodySizeAreChecked) {
  Response xml =
      call(Method::Post, "/api2/json/config/remote/r2", "<a/>", {{"Content-Type", "text/xml"}});
  EXPECT_EQ(xml.status, 400);
  EXPECT_EQ(xml.body, "unsupported content type 'text/xml'");
  Response form = call(Method::Post, "/api2/json/config/remote/r2", "port=5",
                       {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"}});
  EXPECT_EQ(form.status, 200) << form.body;
  Response big = call(Method::Post, "/api2/json/config/remote/r2", std::string(65 * 1024, 'a'));
  EXPECT_EQ(big.status, 400);
  EXPECT_EQ(big.body, "Request body too large");
}

TEST_F(ApiServiceTest, DirectoryLikePathListsSubdirs) {
  Response r = call(Method::Get, "/api2/json/config");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"data":[{"subdir":"remote"}]})");
  Response root = call(Method::Get, "/api2/json");
  EXPECT_EQ(root.body, R"({"data":[{"subdir":"admin"},{"subdir":"config"},{"subdir":"echo"},)"
                       R"({"subdir":"ping"},{"subdir":"version"}]})");
}

TEST_F(ApiServiceTest, ExtjsFormatWrapsSuccessAndErrors) {
  Response ok = call(Method::Get, "/api2/extjs/version");
  EXPECT_EQ(ok.status, 200);
  auto body = json::parse(ok.body);
  EXPECT_EQ(body["success"], true);
  EXPECT_EQ(body["status"], 200);
  EXPECT_EQ(body["data"]["version"], "3.2");
  Response err = call(Method::Get, "/api2/extjs/config/remote/missing");
  EXPECT_EQ(err.status, 200);
  EXPECT_EQ(json::parse(err.body),
            json::parse(R"({"success":false,"status":404,"message":"no such remote 'missing'",
                            "errors":{}})"));
  Response perr = call(Method::Get, "/api2/extjs/config/remote/r1?port=x&a=b");
  EXPECT_EQ(json::parse(perr.body),
            json::parse(R"({"success":false,"status":400,"message":"parameter verification errors",
                            "errors":{"port":"Expected integer value.",
                                      "a":"schema does not allow additional properties."}})"));
}

TEST_F(ApiServiceTest, DeflateWhenAccepted) {
  Response plain = call(Method::Get, "/api2/json/version");
  Response packed =
      call(Method::Get, "/api2/json/version", "", {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_FALSE(plain.headers.contains("Content-Encoding"));
  EXPECT_EQ(packed.headers.get("Content-Encoding"), "deflate");
  auto unpacked = deflate_decompress(packed.body, 1 << 20);
  ASSERT_TRUE(unpacked) << unpacked.error().to_string();
  EXPECT_EQ(*unpacked, plain.body);
  Response refused =
      call(Method::Get, "/api2/json/version", "", {{"Accept-Encoding", "deflate;q=0"}});
  EXPECT_FALSE(refused.headers.contains("Content-Encoding"));
}

TEST_F(ApiServiceTest, AuthenticationRunsBeforeLookupExceptForWorldRoutes) {
  options_.authenticate = [](const Request& req) -> Result<std::string> {
    auto auth = req.headers.get("Authorization");
    if (!auth) {
      return make_error(Errc::Unauthenticated, "no authentication credentials provided.");
    }
    return std::string(*auth);
  };
  Response anon = call(Method::Get, "/api2/json/version");
  EXPECT_EQ(anon.status, 401);
  EXPECT_EQ(anon.body, "authentication failed - no authentication credentials provided.");
  Response anon_missing = call(Method::Get, "/api2/json/does/not/exist");
  EXPECT_EQ(anon_missing.status, 401) << "unknown paths must not be revealed before auth";
  Response ping = call(Method::Get, "/api2/json/ping");
  EXPECT_EQ(ping.status, 200);
  Response user = call(Method::Get, "/api2/json/admin/secret", "", {{"Authorization", "u@pbs"}});
  EXPECT_EQ(user.status, 403);
  EXPECT_EQ(user.body, "permission check failed");
  Response root = call(Method::Get, "/api2/json/admin/secret", "", {{"Authorization", "root@pam"}});
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, R"({"data":null})");
}

TEST_F(ApiServiceTest, AuthenticationFailureIsDelayed) {
  options_.auth_failure_delay = std::chrono::milliseconds(300);
  options_.authenticate = [](const Request&) -> Result<std::string> {
    return make_error(Errc::Unauthenticated, "bad ticket");
  };
  auto start = std::chrono::steady_clock::now();
  Response r = call(Method::Get, "/api2/json/version");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 401);
  EXPECT_GE(elapsed, std::chrono::milliseconds(290));
}

TEST(CompressionTest, AcceptEncodingParsing) {
  struct Case {
    const char* header;
    bool want;
  } cases[] = {
      {"deflate", true},
      {"gzip, deflate, br", true},
      {"DEFLATE", true},
      {"deflate;q=0.5", true},
      {"deflate; q=0", false},
      {"gzip", false},
      {"*", false},
      {"", false},
      {"x-deflate", false},
  };
  for (const auto& c : cases) EXPECT_EQ(accepts_deflate(c.header), c.want) << c.header;
}

TEST(CompressionTest, RoundTripAndZlibHeader) {
  std::string text(10000, 'x');
  auto packed = deflate_compress(text);
  ASSERT_TRUE(packed);
  ASSERT_GE(packed->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*packed)[0]), 0x78) << "zlib (RFC 1950) header";
  EXPECT_LT(packed->size(), 200u);
  EXPECT_EQ(deflate_decompress(*packed, 20000).value(), text);
  EXPECT_FALSE(deflate_decompress(*packed, 100));  // over the limit
  EXPECT_FALSE(deflate_decompress(packed->substr(0, packed->size() / 2), 20000));
  EXPECT_FALSE(deflate_decompress("not zlib", 20000));
}

}  // namespace
}  // namespace ferry::http
