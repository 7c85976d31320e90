// The HTTP/2 endpoint layer of the backup and reader protocols: request parsing (PBS schemas,
// 400 texts), routing, error mapping (404/401/400) and the connection-end cleanup, over real
// sessions on a real datastore.

// g++ 12 reports a false -Wmismatched-new-delete for Asio's awaitable frames (GCC PR 109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "datastore/data_blob.h"
#include "datastore/datastore.h"
#include "protocol/backup_protocol_handler.h"
#include "protocol/backup_session.h"
#include "protocol/internal/endpoint_params.h"
#include "protocol/reader_protocol_handler.h"
#include "protocol/reader_session.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"

namespace ferry::protocol {
namespace {

namespace asio = boost::asio;
using http::H2Request;
using http::H2Response;

constexpr int64_t kT0 = 1700000000;

types::BackupDir snap(int64_t t) {
  return *types::BackupDir::create(*types::BackupGroup::parse("vm/100"), t);
}

H2Request request(std::string method, std::string path, std::string query = "",
                  std::string body = "") {
  H2Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.body.assign(body.begin(), body.end());
  return r;
}

std::string body_text(const H2Response& r) { return std::string(as_chars(r.body)); }

// Runs `handler.handle(req)` on an io_context thread (the session executor's role).
template <typename Handler>
H2Response serve(asio::io_context& io, Handler& handler, H2Request req) {
  auto fut = asio::co_spawn(io, handler.handle(std::move(req)), asio::use_future);
  io.restart();
  io.run();
  return fut.get();
}

class ProtocolHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::TestDatastoreSpec spec;
    spec.snapshots = {{.group = "vm/100", .time = kT0, .image_chunks = {1, 2}}};
    auto store = test::make_test_datastore(dir_ / "ds", dir_ / "locks", spec);
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
  }

  std::unique_ptr<BackupSession> backup(int64_t t) {
    auto s = BackupSession::start(*store_, {}, snap(t), *types::Authid::parse("backup@pbs"));
    EXPECT_TRUE(s) << s.error().to_string();
    return s ? std::move(*s) : nullptr;
  }
  std::unique_ptr<ReaderSession> reader() {
    auto r = ReaderSession::open(*store_, {}, snap(kT0));
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? std::move(*r) : nullptr;
  }
  std::filesystem::path snapshot_dir(int64_t t) const { return dir_ / "ds" / snap(t).path(); }

  test::StoreTempDir dir_;
  std::unique_ptr<datastore::Datastore> store_;
};

struct Case {
  std::string method;
  std::string path;
  std::string query;
  int status;
  std::string body;  // expected exactly ("" = not checked)
};

TEST_F(ProtocolHandlersTest, BackupEndpointsCheckParametersLikePbs) {
  auto session = backup(kT0 + 1);
  ASSERT_TRUE(session);
  const std::string d64(64, 'a');
  const std::vector<Case> cases = {
      {"POST", "/fixed_index", "archive-name=disk.img.fidx&size=100", 200, R"({"data":1})"},
      {"POST", "/fixed_chunk", "wid=0&digest=" + d64 + "&size=1&encoded-size=13", 400,
       "parameter verification failed - 'wid': value must have a minimum value of 1"},
      {"POST", "/fixed_chunk", "wid=257&digest=" + d64 + "&size=1&encoded-size=13", 400,
       "parameter verification failed - 'wid': value must have a maximum value of 256"},
      {"POST", "/dynamic_chunk", "wid=1&digest=" + std::string(64, 'A') + "&size=1&encoded-size=13",
       400, "parameter verification failed - 'digest': value does not match the regex pattern"},
      {"POST", "/fixed_chunk", "wid=1&digest=" + d64 + "&size=16777217&encoded-size=13", 400,
       "parameter verification failed - 'size': value must have a maximum value of 16777216"},
      {"POST", "/fixed_chunk", "wid=1&digest=" + d64 + "&size=1&encoded-size=12", 400,
       "parameter verification failed - 'encoded-size': value must have a minimum value of 13"},
      {"POST", "/blob", "file-name=x.blob&encoded-size=11", 400,
       "parameter verification failed - 'encoded-size': value must have a minimum value of 12"},
      {"POST", "/dynamic_close", "wid=1&chunk-count=0&size=1&csum=" + d64, 400,
       "parameter verification failed - 'chunk-count': value must have a minimum value of 1"},
      {"POST", "/fixed_index", "archive-name=disk.img.didx&size=100", 400,
       "wrong archive extension: 'disk.img.didx'"},
      {"GET", "/previous", "archive-name=gone.blob", 404, ""},  // message names the path
      {"GET", "/previous_backup_time", "", 200, R"({"data":1700000000})"},
      {"POST", "/speedtest", "", 200, R"({"data":null})"},
      {"GET", "/finish", "", 404, "Path '/finish' not found."},
      {"GET", "/nothing/here", "", 404, "Path '/nothing/here' not found."},
      {"POST", "//fixed_close", "wid=9&chunk-count=0&size=0&csum=" + d64, 400,
       "fixed writer '9' not registered"},
  };
  for (const auto& c : cases) {
    const H2Response r =
        BackupProtocolHandler::dispatch(*session, request(c.method, c.path, c.query));
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << "?" << c.query << ": "
                                  << body_text(r);
    if (!c.body.empty()) {
      EXPECT_EQ(body_text(r), c.body) << c.method << " " << c.path << "?" << c.query;
    }
  }
}

TEST_F(ProtocolHandlersTest, BackupRejectsUnknownMissingAndUnsafeParameters) {
  auto session = backup(kT0 + 1);
  ASSERT_TRUE(session);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"archive-name=disk.img.fidx&size=1&foo=1", "'foo'"},
      {"archive-name=disk.img.fidx", "'size'"},
      {"archive-name=../x.fidx&size=1", "'archive-name'"},
      {"archive-name=a%2Fb.fidx&size=1", "'archive-name'"},
      {"archive-name=disk.img.fidx&size=0", "'size'"},
      {"archive-name=disk.img.fidx&size=1&reuse-csum=xyz", "'reuse-csum'"},
  };
  for (const auto& [query, name] : cases) {
    const H2Response r =
        BackupProtocolHandler::dispatch(*session, request("POST", "/fixed_index", query));
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(body_text(r).rfind("parameter verification failed", 0), 0u)
        << query << ": " << body_text(r);
    EXPECT_NE(body_text(r).find(name), std::string::npos) << query << ": " << body_text(r);
  }
}

TEST_F(ProtocolHandlersTest, AppendTakesItsParametersFromTheJsonBody) {
  auto session = backup(kT0 + 1);
  ASSERT_TRUE(session);
  ASSERT_EQ(BackupProtocolHandler::dispatch(
                *session, request("POST", "/dynamic_index", "archive-name=root.pxar.didx"))
                .status,
            200);
  const std::string digest(64, 'b');
  auto put = [&](std::string body) {
    return BackupProtocolHandler::dispatch(*session, request("PUT", "/dynamic_index", "", body));
  };
  H2Response r = put(R"({"wid":1,"digest-list":[")" + digest + R"("],"offset-list":[0]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_text(r), "no such chunk " + digest);
  r = put(R"({"wid":1,"digest-list":[")" + digest + R"("],"offset-list":[0, 5]})");
  EXPECT_EQ(body_text(r), "offset list has wrong length (2 != 1)");
  r = put(R"({"wid":1,"digest-list":["nothex"],"offset-list":[0]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(body_text(r).find("'digest-list'"), std::string::npos) << body_text(r);
  r = put("{not json");
  EXPECT_EQ(r.status, 400) << body_text(r);
  r = put(R"({"wid":1,"digest-list":[],"offset-list":[-1]})");
  EXPECT_NE(body_text(r).find("'offset-list'"), std::string::npos) << body_text(r);
}

TEST_F(ProtocolHandlersTest, BackupListsItsEndpoints) {
  auto session = backup(kT0 + 1);
  ASSERT_TRUE(session);
  const H2Response r = BackupProtocolHandler::dispatch(*session, request("GET", "/"));
  ASSERT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(body_text(r));
  ASSERT_EQ(j["data"].size(), 11u) << j.dump();
  EXPECT_EQ(j["data"][0]["subdir"], "blob");
  EXPECT_EQ(j["data"][10]["subdir"], "speedtest");
}

TEST_F(ProtocolHandlersTest, ChunkUploadThroughHandleRunsOnThePoolAndAnswersTheDigest) {
  http::BlockingPool pool(1);
  asio::io_context io;
  BackupProtocolHandler handler(backup(kT0 + 1), pool);
  ASSERT_EQ(serve(io, handler, request("POST", "/dynamic_index", "archive-name=a.didx")).status,
            200);
  const Bytes data = test::test_data(7, 1000);
  const Bytes blob = datastore::DataBlob::encode(data, nullptr, true)->raw();
  const std::string hex = sha256(data).to_hex();
  H2Request up =
      request("POST", "/dynamic_chunk",
              "wid=1&digest=" + hex + "&size=1000&encoded-size=" + std::to_string(blob.size()));
  up.body = blob;
  const H2Response r = serve(io, handler, std::move(up));
  EXPECT_EQ(r.status, 200) << body_text(r);
  EXPECT_EQ(body_text(r), R"({"data":")" + hex + R"("})");
  EXPECT_EQ(r.header("content-type"), "application/json;charset=UTF-8");
}

TEST_F(ProtocolHandlersTest, ConnectionEndRemovesAnUnfinishedSnapshot) {
  http::BlockingPool pool(1);
  asio::io_context io;
  BackupProtocolHandler handler(backup(kT0 + 1), pool);
  ASSERT_TRUE(std::filesystem::exists(snapshot_dir(kT0 + 1)));
  auto fut = asio::co_spawn(io, handler.connection_ended(), asio::use_future);
  io.run();
  fut.get();
  EXPECT_FALSE(std::filesystem::exists(snapshot_dir(kT0 + 1)));
  const H2Response r = serve(io, handler, request("POST", "/finish"));
  EXPECT_EQ(r.status, 400) << body_text(r);
}

TEST_F(ProtocolHandlersTest, ReaderMapsMissingFilesTo404AndUnregisteredChunksTo401) {
  auto session = reader();
  ASSERT_TRUE(session);
  const std::string chunk_hex =
      test::test_image_chunk_digest({.group = "vm/100", .time = kT0, .image_chunks = {1, 2}}, 0)
          .to_hex();
  H2Response r =
      ReaderProtocolHandler::dispatch(*session, request("GET", "/download", "file-name=x.blob"));
  EXPECT_EQ(r.status, 404) << body_text(r);
  r = ReaderProtocolHandler::dispatch(*session, request("GET", "/chunk", "digest=" + chunk_hex));
  EXPECT_EQ(r.status, 401) << body_text(r);
  EXPECT_EQ(body_text(r), "download chunk " + chunk_hex + " not allowed");
  r = ReaderProtocolHandler::dispatch(
      *session, request("GET", "/download", "file-name=" + std::string(test::kTestImageArchive)));
  EXPECT_EQ(r.status, 200) << body_text(r);
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
  r = ReaderProtocolHandler::dispatch(*session, request("GET", "/chunk", "digest=" + chunk_hex));
  EXPECT_EQ(r.status, 200) << body_text(r);
  r = ReaderProtocolHandler::dispatch(*session, request("GET", "/download", "file-name=../x.blob"));
  EXPECT_EQ(r.status, 400) << body_text(r);
  r = ReaderProtocolHandler::dispatch(*session, request("GET", "/chunk", "digest=123"));
  EXPECT_EQ(r.status, 400) << body_text(r);
  r = ReaderProtocolHandler::dispatch(*session, request("POST", "/download", "file-name=x.blob"));
  EXPECT_EQ(r.status, 404) << body_text(r);
  r = ReaderProtocolHandler::dispatch(*session, request("GET", "/speedtest"));
  ASSERT_EQ(r.body.size(), kReaderSpeedtestSize);
  EXPECT_EQ(r.body.front(), 0x41);
  r = ReaderProtocolHandler::dispatch(*session, request("GET", "/"));
  EXPECT_EQ(body_text(r),
            R"({"data":[{"subdir":"chunk"},{"subdir":"download"},{"subdir":"speedtest"}]})");
}

TEST_F(ProtocolHandlersTest, ReaderDelaysTheUnauthorizedAnswer) {
  http::BlockingPool pool(1);
  asio::io_context io;
  const auto delay = std::chrono::milliseconds(200);
  ReaderProtocolHandler handler(reader(), pool, delay);
  const auto start = std::chrono::steady_clock::now();
  const H2Response r =
      serve(io, handler, request("GET", "/chunk", "digest=" + std::string(64, 'c')));
  EXPECT_EQ(r.status, 401) << body_text(r);
  EXPECT_GE(std::chrono::steady_clock::now() - start, delay);
  const auto start2 = std::chrono::steady_clock::now();
  EXPECT_EQ(serve(io, handler, request("GET", "/download", "file-name=x.blob")).status, 404);
  EXPECT_LT(std::chrono::steady_clock::now() - start2, delay);
}

TEST(EndpointParamsTest, NormalizesLeadingAndDuplicateSlashes) {
  EXPECT_EQ(internal::normalize_path("/fixed_chunk"), "fixed_chunk");
  EXPECT_EQ(internal::normalize_path("//a///b/"), "a/b");
  EXPECT_EQ(internal::normalize_path("/"), "");
  EXPECT_EQ(internal::normalize_path(""), "");
}

TEST(EndpointParamsTest, MapsErrorCodesToProtocolStatuses) {
  EXPECT_EQ(internal::error_status(Errc::NotFound), 404);
  EXPECT_EQ(internal::error_status(Errc::Unauthenticated), 401);
  for (Errc c : {Errc::InvalidArgument, Errc::Corruption, Errc::Conflict, Errc::Io,
                 Errc::PermissionDenied, Errc::Internal}) {
    EXPECT_EQ(internal::error_status(c), 400) << errc_name(c);
  }
}

}  // namespace
}  // namespace ferry::protocol
