// Loopback tests of the HTTP/2 glue (http/h2_*) driven through the client: a TLS server on
// 127.0.0.1 answers the upgrade with 101 and runs H2ServerSession with a test handler; the
// client upgrades with HttpClient::start_h2 and talks to it with H2ClientSession.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "client/backup_writer_client.h"
#include "client/http_client.h"
#include "test_server.h"

namespace ferry::client {
namespace {

using namespace std::chrono_literals;
using http::H2Request;
using http::H2Response;
using test::TestServer;

constexpr size_t kMiB = 1024 * 1024;

// Deterministic pseudo-random bytes (xorshift64), so expected bodies can be recomputed instead
// of kept in memory.
Bytes make_body(uint64_t seed, size_t size) {
  Bytes out(size);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < size; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    for (size_t j = 0; j < 8 && i + j < size; ++j) out[i + j] = static_cast<uint8_t>(x >> (8 * j));
  }
  return out;
}

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// /echo: body back; /bytes?n=: n bytes; /slow?ms=: answer later; /reset: abort the connection;
// /throw: the handler throws.
class EchoHandler : public test::TestH2Handler {
 public:
  boost::asio::awaitable<H2Response> handle(H2Request r) override {
    if (r.path == "/echo") co_return H2Response{200, {}, std::move(r.body)};
    if (r.path == "/bytes") {
      co_return H2Response{200, {}, Bytes(test::query_number(r.query, "n"), 'x')};
    }
    if (r.path == "/slow") {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
      timer.expires_after(std::chrono::milliseconds(test::query_number(r.query, "ms")));
      co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      co_return H2Response{200, {}, text_bytes("slow")};
    }
    if (r.path == "/reset") {
      if (auto session = session_.lock()) session->abort();
      co_return H2Response{200, {}, {}};
    }
    if (r.path == "/throw") throw std::runtime_error("handler bug");
    co_return H2Response{404, {}, text_bytes("Path '" + r.path + "' not found.")};
  }
};

TestServer::Config echo_config() {
  TestServer::Config config;
  config.h2_handler = [] { return std::make_shared<EchoHandler>(); };
  return config;
}

HttpClientOptions client_options(const TestServer& server) {
  HttpClientOptions o;
  o.host = "127.0.0.1";
  o.port = server.port();
  o.fingerprint = server.fingerprint();
  o.auth_id = *types::Authid::parse("sync@pbs!job1");
  o.secret = "f3b1c6e2-0c55-4c7b-9a3e-4d8f1a2b3c4d";
  return o;
}

std::shared_ptr<http::H2ClientSession> start(HttpClient& client, StartH2Options start = {}) {
  auto session = client.start_h2("/api2/json/backup", "store=s", kBackupProtocolId, start);
  EXPECT_TRUE(session) << session.error().to_string();
  return session ? *session : nullptr;
}

// Reads a session's counters on its own thread (they are not synchronized).
http::H2Stats stats_of(const std::shared_ptr<http::H2ClientSession>& session) {
  auto promise = std::make_shared<std::promise<http::H2Stats>>();
  auto result = promise->get_future();
  boost::asio::post(session->get_executor(),
                    [session, promise] { promise->set_value(session->stats()); });
  return result.get();
}

TEST(H2SessionTest, TwoHundredConcurrentRequestsWithFourMiBBodiesBothWays) {
  TestServer server(echo_config());
  auto client = *HttpClient::create(client_options(server));
  auto session = start(*client);
  ASSERT_TRUE(session);
  constexpr size_t kRequests = 200;
  constexpr size_t kSize = 4 * kMiB;
  std::vector<std::future<Result<H2Response>>> replies;
  for (size_t i = 0; i < kRequests; ++i) {
    H2Request r{"POST", "/echo", "n=" + std::to_string(i), {}, make_body(i, kSize)};
    replies.push_back(session->send(std::move(r)));
  }
  for (size_t i = 0; i < kRequests; ++i) {
    Result<H2Response> reply = replies[i].get();
    ASSERT_TRUE(reply) << "request " << i << ": " << reply.error().to_string();
    EXPECT_EQ(reply->status, 200) << "request " << i;
    EXPECT_EQ(reply->header("content-length"), std::to_string(kSize)) << "request " << i;
    EXPECT_TRUE(reply->body == make_body(i, kSize)) << "request " << i << " came back altered";
  }
  auto stats = stats_of(session);
  EXPECT_EQ(stats.requests, kRequests);
  EXPECT_GT(stats.bytes_out, kRequests * kSize);
  EXPECT_GT(stats.bytes_in, kRequests * kSize);
  session->shutdown();
  EXPECT_TRUE(session->wait_closed());
}

TEST(H2SessionTest, PipelinedPrefaceReachesTheServerAsLeftoverBytes) {
  TestServer server(echo_config());
  auto client = *HttpClient::create(client_options(server));
  auto session = start(*client, StartH2Options{.pipeline_preface = true});
  ASSERT_TRUE(session);
  // The 24-byte client magic and our SETTINGS were in the server's HTTP/1.1 read buffer.
  EXPECT_GE(server.last_leftover(), 24u);
  auto reply = session->call(H2Request{"POST", "/echo", "", {}, text_bytes("hello")});
  ASSERT_TRUE(reply) << reply.error().to_string();
  EXPECT_EQ(reply->body, text_bytes("hello"));
}

TEST(H2SessionTest, ServerSettingsBehindThe101ReachTheClientAsLeftoverBytes) {
  auto config = echo_config();
  config.coalesce_101 = true;
  TestServer server(config);
  auto client = *HttpClient::create(client_options(server));
  auto session = start(*client);
  ASSERT_TRUE(session);
  auto reply = session->call(H2Request{"GET", "/bytes", "n=3", {}, {}});
  ASSERT_TRUE(reply) << reply.error().to_string();
  EXPECT_EQ(reply->body, text_bytes("xxx"));
  EXPECT_GE(stats_of(session).initial_leftover, 9u);  // at least one frame header
  EXPECT_EQ(server.last_leftover(), 0u);
}

TEST(H2SessionTest, ConnectionResetMidTransferFailsEveryRequestCleanly) {
  auto config = echo_config();
  config.linger_zero = true;  // the server's close becomes a TCP reset
  TestServer server(config);
  auto client = *HttpClient::create(client_options(server));
  auto session = start(*client);
  ASSERT_TRUE(session);
  auto upload = session->send(H2Request{"POST", "/echo", "", {}, Bytes(64 * kMiB, 7)});
  auto reset = session->send(H2Request{"GET", "/reset", "", {}, {}});
  Result<H2Response> upload_reply = upload.get();
  ASSERT_FALSE(upload_reply) << "a 64 MiB upload survived the reset";
  EXPECT_EQ(upload_reply.error().code(), Errc::Unavailable) << upload_reply.error().to_string();
  EXPECT_NE(upload_reply.error().to_string().find("connection"), std::string::npos)
      << upload_reply.error().to_string();
  EXPECT_FALSE(reset.get());
  EXPECT_FALSE(session->wait_closed());
  // Later requests fail at once instead of hanging.
  auto late = session->call(H2Request{"GET", "/bytes", "n=1", {}, {}}, 5s);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().code(), Errc::Timeout) << late.error().to_string();
}

TEST(H2SessionTest, TimedOutRequestIsResetWithoutHarmingTheConnection) {
  TestServer server(echo_config());
  auto client = *HttpClient::create(client_options(server));
  auto session = start(*client);
  ASSERT_TRUE(session);
  auto slow = session->call(H2Request{"GET", "/slow", "ms=3000", {}, {}}, 200ms);
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code(), Errc::Timeout);
  EXPECT_EQ(slow.error().to_string(),
            "http/2 request 'GET /slow' timed out: no progress for 200 ms");
  auto fast = session->call(H2Request{"GET", "/bytes", "n=2", {}, {}});
  ASSERT_TRUE(fast) << fast.error().to_string();
  EXPECT_EQ(fast->body, text_bytes("xx"));
}

TEST(H2SessionTest, HandlerExceptionBecomesA500) {
  TestServer server(echo_config());
  auto client = *HttpClient::create(client_options(server));
  auto session = start(*client);
  ASSERT_TRUE(session);
  auto reply = session->call(H2Request{"POST", "/throw", "", {}, {}});
  ASSERT_TRUE(reply) << reply.error().to_string();
  EXPECT_EQ(reply->status, 500);
  EXPECT_EQ(reply->body, text_bytes("internal error"));
  auto next = session->call(H2Request{"GET", "/nothing", "", {}, {}});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 404);
}

TEST(H2SessionTest, CloseFailsQueuedRequestsAndLaterOnes) {
  TestServer server(echo_config());
  auto client = *HttpClient::create(client_options(server));
  auto session = start(*client);
  ASSERT_TRUE(session);
  auto pending = session->send(H2Request{"GET", "/slow", "ms=5000", {}, {}});
  session->shutdown();
  auto reply = pending.get();
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), Errc::Cancelled) << reply.error().to_string();
  EXPECT_TRUE(session->wait_closed());
  auto after = session->call(H2Request{"GET", "/bytes", "n=1", {}, {}});
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code(), Errc::Cancelled);
}

// protocol.md §8.2: the bucket starts empty, so moving B bytes at rate r takes at least about
// B/r seconds (minus the last transfer, whose delay is owed to the *next* one, and the 10 ms
// threshold). 256 KiB at 256 KiB/s keeps the test near one second.
TEST(H2SessionTest, RateLimitedUploadTakesAtLeastBytesOverRate) {
  TestServer server(echo_config());
  auto options = client_options(server);
  options.rate_out = 256 * 1024;
  auto began = std::chrono::steady_clock::now();
  auto client = *HttpClient::create(options);
  auto session = start(*client);
  ASSERT_TRUE(session);
  auto reply = session->call(H2Request{"POST", "/echo", "", {}, make_body(1, 256 * 1024)});
  ASSERT_TRUE(reply) << reply.error().to_string();
  auto elapsed = std::chrono::steady_clock::now() - began;
  EXPECT_GE(elapsed, 900ms)
      << "upload finished after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  EXPECT_GT(client->write_limiter()->traffic(), 256u * 1024);
}

TEST(H2SessionTest, RateLimitedDownloadTakesAtLeastBytesOverRate) {
  TestServer server(echo_config());
  auto options = client_options(server);
  options.rate_in = 256 * 1024;
  auto began = std::chrono::steady_clock::now();
  auto client = *HttpClient::create(options);
  auto session = start(*client);
  ASSERT_TRUE(session);
  auto reply = session->call(H2Request{"GET", "/bytes", "n=262144", {}, {}});
  ASSERT_TRUE(reply) << reply.error().to_string();
  EXPECT_EQ(reply->body.size(), 262144u);
  auto elapsed = std::chrono::steady_clock::now() - began;
  EXPECT_GE(elapsed, 900ms)
      << "download finished after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  EXPECT_GT(client->read_limiter()->traffic(), 256u * 1024);
}

}  // namespace
}  // namespace ferry::client
