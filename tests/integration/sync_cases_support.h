// Helpers of the sync-test-cases.md integration tests (tests/integration/sync_cases_*_test.cc,
// issue #6), on top of test::SyncServerFixture (sync_fixture.h):
//
//   SyncCasesFixture    adds an in-process sync job run (run_sync_job: header, summary, end
//                       lines, the job's Status), the job owner's ACL for in-process runs,
//                       listings of the target (namespaces, groups, snapshot times, owner file),
//                       line lookups in a log text, and a sync job on a target ferryd (created
//                       as admin@pbs, "run now", wait for the task).
//   NamespacelessProxy  an "old remote" (PBS < 2.2): a TLS reverse proxy on 127.0.0.1 port 0 in
//                       front of the source ferryd that answers 404 on the namespace-list
//                       endpoint and forwards everything else: REST requests one by one, and
//                       after a 101 (reader protocol upgrade) the raw HTTP/2 bytes both ways.
//
// Header-only because the integration suite compiles only *_test.cc files.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "auth/acl_tree.h"
#include "auth/user_config.h"
#include "auth/user_info.h"
#include "sync_fixture.h"
#include "unit/client/test_server.h"

// g++ 12 false positive inside Asio's awaitable frame allocator (GCC bug 109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace ferry::test {

// Reverse proxy hiding the namespace API of an upstream ferryd (see the file comment). Runs
// its own io_context thread; the destructor stops and joins it. Counters are thread-safe.
class NamespacelessProxy {
  using tcp = boost::asio::ip::tcp;
  using Stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

 public:
  explicit NamespacelessProxy(uint16_t upstream_port)
      : shared_(std::make_shared<Shared>(upstream_port)),
        acceptor_(ctx_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    boost::asio::co_spawn(ctx_, accept_loop(shared_, &acceptor_), boost::asio::detached);
    thread_ = std::thread([this] { ctx_.run(); });
  }
  ~NamespacelessProxy() {
    ctx_.stop();
    thread_.join();
  }
  NamespacelessProxy(const NamespacelessProxy&) = delete;
  NamespacelessProxy& operator=(const NamespacelessProxy&) = delete;

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::string& fingerprint() const { return shared_->cert.fingerprint; }
  // Requests to the namespace list (answered 404) and requests forwarded upstream.
  size_t namespace_requests() const { return shared_->namespace_requests; }
  size_t forwarded_requests() const { return shared_->forwarded; }

 private:
  struct Shared {
    explicit Shared(uint16_t port)
        : upstream_port(port),
          cert(client::test::make_test_cert()),
          server_tls(boost::asio::ssl::context::tls_server),
          client_tls(boost::asio::ssl::context::tls_client) {
      server_tls.use_certificate_chain(boost::asio::buffer(cert.cert_pem));
      server_tls.use_private_key(boost::asio::buffer(cert.key_pem), boost::asio::ssl::context::pem);
      client_tls.set_verify_mode(boost::asio::ssl::verify_none);  // upstream: our own ferryd
    }
    uint16_t upstream_port;
    client::test::TestCert cert;
    boost::asio::ssl::context server_tls;
    boost::asio::ssl::context client_tls;
    std::atomic<size_t> namespace_requests{0};
    std::atomic<size_t> forwarded{0};
  };

  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<Shared> shared,
                                                  tcp::acceptor* acceptor) {
    for (;;) {
      auto [ec, socket] =
          co_await acceptor->async_accept(boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) co_return;
      boost::asio::co_spawn(acceptor->get_executor(), serve(shared, std::move(socket)),
                            boost::asio::detached);
    }
  }

  static bool is_namespace_list(std::string_view target) {
    const std::string_view path = target.substr(0, target.find('?'));
    return path.starts_with("/api2/json/admin/datastore/") && path.ends_with("/namespace");
  }

  static boost::asio::awaitable<void> serve(std::shared_ptr<Shared> shared, tcp::socket socket) {
    namespace http = boost::beast::http;
    using boost::asio::as_tuple;
    using boost::asio::use_awaitable;
    auto down = std::make_shared<Stream>(boost::beast::tcp_stream(std::move(socket)),
                                         shared->server_tls);
    auto [hec] = co_await down->async_handshake(Stream::server, as_tuple(use_awaitable));
    if (hec) co_return;
    auto up = std::make_shared<Stream>(boost::beast::tcp_stream(down->get_executor()),
                                       shared->client_tls);
    auto [cec] = co_await boost::beast::get_lowest_layer(*up).async_connect(
        tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), shared->upstream_port),
        as_tuple(use_awaitable));
    if (cec) co_return;
    auto [uhec] = co_await up->async_handshake(Stream::client, as_tuple(use_awaitable));
    if (uhec) co_return;
    boost::beast::flat_buffer down_buf, up_buf;
    for (;;) {
      http::request_parser<http::string_body> req_parser;
      req_parser.body_limit(64 * 1024 * 1024);
      auto [rec, rn] = co_await http::async_read(*down, down_buf, req_parser, as_tuple(use_awaitable));
      if (rec) co_return;
      auto req = req_parser.release();
      if (is_namespace_list(req.target())) {
        ++shared->namespace_requests;
        http::response<http::string_body> res{http::status::not_found, req.version()};
        res.set(http::field::content_type, "application/json;charset=UTF-8");
        res.body() = "Path '" + std::string(req.target()) + "' not found.";
        res.prepare_payload();
        auto [wec, wn] = co_await http::async_write(*down, res, as_tuple(use_awaitable));
        if (wec) co_return;
        continue;
      }
      ++shared->forwarded;
      auto [fec, fn] = co_await http::async_write(*up, req, as_tuple(use_awaitable));
      if (fec) co_return;
      http::response_parser<http::string_body> res_parser;
      res_parser.body_limit(64 * 1024 * 1024);
      auto [pec, pn] = co_await http::async_read(*up, up_buf, res_parser, as_tuple(use_awaitable));
      if (pec) co_return;
      auto res = res_parser.release();
      const bool upgraded = res.result() == http::status::switching_protocols;
      auto [wec, wn] = co_await http::async_write(*down, res, as_tuple(use_awaitable));
      if (wec || !upgraded) {
        if (wec) co_return;
        continue;
      }
      // The reader protocol: HTTP/2 on the same connections from here on.
      auto ex = down->get_executor();
      boost::asio::co_spawn(ex, pump(down, up, std::move(down_buf)), boost::asio::detached);
      boost::asio::co_spawn(ex, pump(up, down, std::move(up_buf)), boost::asio::detached);
      co_return;
    }
  }

  // Copies `from` to `to` (first what was already read into `pending`) until either side ends,
  // then closes both.
  static boost::asio::awaitable<void> pump(std::shared_ptr<Stream> from, std::shared_ptr<Stream> to,
                                           boost::beast::flat_buffer pending) {
    using boost::asio::as_tuple;
    using boost::asio::use_awaitable;
    bool ok = true;
    if (pending.size() > 0) {
      auto [ec, n] = co_await boost::asio::async_write(*to, pending.data(), as_tuple(use_awaitable));
      ok = !ec;
    }
    std::array<char, 16384> buf;
    while (ok) {
      auto [rec, n] = co_await from->async_read_some(boost::asio::buffer(buf), as_tuple(use_awaitable));
      if (rec) break;
      auto [wec, wn] =
          co_await boost::asio::async_write(*to, boost::asio::buffer(buf.data(), n), as_tuple(use_awaitable));
      ok = !wec;
    }
    boost::beast::get_lowest_layer(*from).close();
    boost::beast::get_lowest_layer(*to).close();
  }

  std::shared_ptr<Shared> shared_;
  boost::asio::io_context ctx_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// Index of the first line of `text` containing `part` at or after line `from`, or -1.
inline long line_index(const std::string& text, std::string_view part, long from = 0) {
  auto lines = split_lines(text);
  for (size_t i = size_t(std::max(from, 0L)); i < lines.size(); ++i) {
    if (lines[i].find(part) != std::string::npos) return long(i);
  }
  return -1;
}

// Index of the first line of `text` equal to `line`, or -1.
inline long exact_line_index(const std::string& text, std::string_view line) {
  auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == line) return long(i);
  }
  return -1;
}

inline size_t line_count(const std::string& text, std::string_view part) {
  size_t n = 0;
  for (const auto& l : split_lines(text)) n += l.find(part) != std::string::npos ? 1 : 0;
  return n;
}

inline bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class SyncCasesFixture : public SyncServerFixture {
 protected:
  // The job owner's privileges on the target for in-process runs (acl.cfg text; "" = none,
  // root@pam has every privilege regardless).
  void set_acl(std::string_view acl_text) {
    auto tree = auth::AclTree::parse(acl_text, "acl.cfg");
    ASSERT_TRUE(tree) << tree.error().to_string();
    users_ = std::make_shared<auth::UserInfo>(std::make_shared<auth::UserConfig>(),
                                              std::make_shared<auth::AclTree>(std::move(*tree)));
  }

  // A sync job run in-process (run_sync_job over the remote `pbs2`), lines in log_.
  Status run_job(const sync::PullParams& p) {
    sync::SyncSourceSpec spec;
    spec.remote = p.remote.value_or("pbs2");
    spec.source_store = p.source_store;
    spec.request_timeout = std::chrono::seconds(10);
    FERRY_TRY_ASSIGN(auto source,
                     sync::open_sync_source(config::ConfigDir(dst_etc_), spec, nullptr));
    sync::PullEnv env{*dst_, *source, *users_, log_, SystemClock::instance(), nullptr};
    return sync::run_sync_job("pbs2:src:local::j1", p, env);
  }

  std::vector<std::string> target_namespaces() const {
    std::vector<std::string> out;
    auto list = dst_->list_namespaces({}, 7);
    EXPECT_TRUE(list) << list.error().to_string();
    if (list) {
      for (const auto& n : *list) out.push_back(n.to_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<std::string> target_groups(std::string_view n = "") const {
    std::vector<std::string> out;
    auto list = dst_->list_groups(ns(n));
    if (list) {
      for (const auto& g : *list) out.push_back(g.to_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<int64_t> target_times(std::string_view n, std::string_view group) const {
    std::vector<int64_t> out;
    auto list = dst_->list_snapshots(ns(n), grp(group));
    if (list) {
      for (const auto& s : *list) out.push_back(s.dir.time());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // The raw content of the target group's `owner` file.
  std::string owner_file(std::string_view n, std::string_view group) const {
    return read_whole_file(dst_->group_path(ns(n), grp(group)) / "owner");
  }

  // Writes a finished snapshot into the target (the namespace must exist).
  void add_target_snapshot(const TestSnapshotSpec& s, std::string_view owner = "root@pam") {
    ASSERT_TRUE(write_test_snapshot(*dst_, s, *types::Authid::parse(owner)));
  }
  void add_source_snapshot(const TestSnapshotSpec& s, std::string_view owner = "backup@pbs") {
    ASSERT_TRUE(write_test_snapshot(*src_, s, *types::Authid::parse(owner)));
  }

  // On a running target ferryd: creates sync job `job` (JSON properties; "id" required) as
  // admin@pbs, runs it now and waits for its task.
  TaskOutcome run_target_job(const nlohmann::json& job) {
    auto admin = api();
    if (!admin) return {};
    auto created = admin->post("/api2/json/config/sync", job);
    EXPECT_TRUE(created) << created.error().to_string();
    auto upid = admin->post("/api2/json/admin/sync/" + job.value("id", "") + "/run");
    EXPECT_TRUE(upid && upid->is_string()) << (upid ? upid->dump() : upid.error().to_string());
    if (!upid || !upid->is_string()) return {};
    return wait_task(*admin, upid->get<std::string>());
  }
};

}  // namespace ferry::test

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
