// Throughput of the HTTP/2 glue: 1 GiB through TLS + HTTP/2 on loopback, client and server
// in one process (one I/O thread each), 4 MiB bodies as in chunk uploads/downloads, the
// client keeping 32 requests in flight on one connection. Results: bench/RESULTS.md
// ("HTTP/2 glue").
#include <benchmark/benchmark.h>

#include <deque>
#include <future>
#include <memory>
#include <vector>

#include "client/backup_writer_client.h"
#include "client/http_client.h"
#include "unit/client/test_server.h"

namespace ferry::client {
namespace {

constexpr size_t kChunk = 4 * 1024 * 1024;
constexpr size_t kTotal = size_t{1} << 30;

// /upload: drops the body, answers the JSON null a chunk upload would get;
// /download: answers 4 MiB.
class SinkHandler : public test::TestH2Handler {
 public:
  SinkHandler() : chunk_(kChunk, 0x5A) {}
  boost::asio::awaitable<http::H2Response> handle(http::H2Request r) override {
    if (r.path == "/download") co_return http::H2Response{200, {}, chunk_};
    std::string_view body = R"({"data":null})";
    co_return http::H2Response{200, {}, Bytes(body.begin(), body.end())};
  }

 private:
  Bytes chunk_;
};

struct Fixture {
  Fixture() : server(config()) {
    HttpClientOptions o;
    o.host = "127.0.0.1";
    o.port = server.port();
    o.fingerprint = server.fingerprint();
    o.auth_id = *types::Authid::parse("bench@pbs!h2");
    o.secret = "secret";
    client = *HttpClient::create(o);
    session = *client->start_h2("/api2/json/backup", "store=bench", kBackupProtocolId);
  }
  ~Fixture() {
    session->shutdown();
    (void)session->wait_closed();
  }
  static test::TestServer::Config config() {
    test::TestServer::Config c;
    c.h2_handler = [] { return std::make_shared<SinkHandler>(); };
    return c;
  }
  test::TestServer server;
  std::unique_ptr<HttpClient> client;
  std::shared_ptr<http::H2ClientSession> session;
};

void run(benchmark::State& state, bool upload) {
  Fixture f;
  const Bytes body(kChunk, 0xA5);
  for (auto _ : state) {
    // A window of queued requests twice the session's in-flight limit keeps the connection
    // busy without holding 1 GiB of request bodies in memory.
    std::deque<std::future<Result<http::H2Response>>> replies;
    auto wait_oldest = [&] {
      auto result = replies.front().get();
      replies.pop_front();
      if (!result || result->status != 200) state.SkipWithError("request failed");
    };
    for (size_t sent = 0; sent < kTotal; sent += kChunk) {
      if (replies.size() >= 64) wait_oldest();
      http::H2Request r{upload ? "POST" : "GET",
                        upload ? "/upload" : "/download",
                        "",
                        {},
                        upload ? body : Bytes()};
      replies.push_back(f.session->send(std::move(r)));
    }
    while (!replies.empty()) wait_oldest();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTotal));
}

void BM_H2Upload1GiB(benchmark::State& state) { run(state, true); }
void BM_H2Download1GiB(benchmark::State& state) { run(state, false); }

BENCHMARK(BM_H2Upload1GiB)
    ->Iterations(1)
    ->Repetitions(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_H2Download1GiB)
    ->Iterations(1)
    ->Repetitions(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ferry::client
