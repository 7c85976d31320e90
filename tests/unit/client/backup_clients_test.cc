// BackupWriterClient and BackupReaderClient against a recording HTTP/2 handler: the upgrade
// request and every endpoint call must look exactly as protocol.md §2.1, §3.2, §3.4 and §3.5
// describe, and answers must map to values and errors.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "client/backup_reader_client.h"
#include "client/backup_writer_client.h"
#include "test_server.h"

namespace ferry::client {
namespace {

using http::H2Request;
using http::H2Response;
using test::TestServer;

struct Call {
  std::string method;
  std::string path;
  std::string query;
  std::string content_type;
  std::string body;
};

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

H2Response json_reply(const nlohmann::json& data) {
  return H2Response{200,
                    {{"content-type", "application/json;charset=UTF-8"}},
                    text_bytes(nlohmann::json{{"data", data}}.dump())};
}

H2Response error_reply(int status, std::string_view message) {
  return H2Response{status, {}, text_bytes(message)};
}

// Records every request and answers like a PBS backup/reader environment would.
class RecordingHandler : public test::TestH2Handler {
 public:
  explicit RecordingHandler(std::shared_ptr<std::vector<Call>> calls,
                            std::shared_ptr<std::mutex> mu)
      : calls_(std::move(calls)), mu_(std::move(mu)) {}

  boost::asio::awaitable<H2Response> handle(H2Request r) override {
    {
      std::lock_guard lock(*mu_);
      calls_->push_back({r.method, r.path, r.query, std::string(r.header("content-type")),
                         std::string(as_chars(r.body))});
    }
    co_return answer(r);
  }

 private:
  static H2Response answer(const H2Request& r) {
    std::string key = r.method + " " + r.path;
    if (key == "GET /previous_backup_time") return json_reply(1717590000);
    if (key == "GET /previous") return H2Response{200, {}, text_bytes("previous-manifest")};
    if (key == "POST /dynamic_index") return json_reply(1);
    if (key == "POST /fixed_index") return json_reply(2);
    if (key == "POST /dynamic_chunk" || key == "POST /fixed_chunk") {
      return json_reply(test::query_param(r.query, "digest"));
    }
    if (key == "PUT /dynamic_index") {
      auto body = nlohmann::json::parse(as_chars(r.body));
      for (const auto& d : body["digest-list"]) {
        if (d == std::string(64, 'f'))
          return error_reply(400, "no such chunk " + std::string(64, 'f'));
      }
      return json_reply(nullptr);
    }
    if (r.method == "POST") return H2Response{200, {}, {}};  // close, blob, finish, speedtest
    if (key == "GET /download") {
      if (test::query_param(r.query, "file-name") == "missing.blob") {
        return error_reply(404, "open file \"/store/vm/100/x/missing.blob\" failed - not found");
      }
      return H2Response{200, {}, text_bytes("file:" + test::query_param(r.query, "file-name"))};
    }
    if (key == "GET /chunk")
      return H2Response{200, {}, text_bytes(test::query_param(r.query, "digest"))};
    if (key == "GET /speedtest") return H2Response{200, {}, Bytes(1024 * 1024, 0x41)};
    return error_reply(404, "Path '" + r.path + "' not found.");
  }

  std::shared_ptr<std::vector<Call>> calls_;
  std::shared_ptr<std::mutex> mu_;
};

class BackupClientsTest : public ::testing::Test {
 protected:
  BackupClientsTest() : server_(config()) {
    HttpClientOptions o;
    o.host = "127.0.0.1";
    o.port = server_.port();
    o.fingerprint = server_.fingerprint();
    o.auth_id = *types::Authid::parse("sync@pbs!job1");
    o.secret = "token-secret";
    client_ = *HttpClient::create(o);
  }

  TestServer::Config config() {
    TestServer::Config c;
    auto calls = calls_;
    auto mu = mu_;
    c.h2_handler = [calls, mu] { return std::make_shared<RecordingHandler>(calls, mu); };
    return c;
  }

  std::vector<Call> calls() {
    std::lock_guard lock(*mu_);
    return *calls_;
  }

  static types::BackupDir snapshot() {
    auto group = *types::BackupGroup::create(types::BackupType::Vm, "100");
    return *types::BackupDir::create(group, 1717597476);
  }

  std::shared_ptr<std::vector<Call>> calls_ = std::make_shared<std::vector<Call>>();
  std::shared_ptr<std::mutex> mu_ = std::make_shared<std::mutex>();
  TestServer server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(BackupClientsTest, WriterUpgradeRequestMatchesTheProtocolSpec) {
  BackupWriterParams p{"store1", *types::BackupNamespace::parse("a/b"), snapshot()};
  auto writer = BackupWriterClient::start(*client_, p);
  ASSERT_TRUE(writer) << writer.error().to_string();
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target,
            "/api2/json/backup?backup-id=100&backup-time=1717597476&backup-type=vm&"
            "benchmark=false&debug=false&ns=a%2Fb&store=store1");
  std::vector<std::string> names;
  for (const auto& [name, value] : r.headers) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"Host", "User-Agent", "Content-Type", "Authorization",
                                             "Connection", "UPGRADE"}));
  EXPECT_EQ(r.header("user-agent"), "proxmox-backup-client/1.0");
  EXPECT_EQ(r.header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.header("authorization"), "PBSAPIToken sync@pbs!job1:token-secret");
  EXPECT_EQ(r.header("connection"), "upgrade");
  EXPECT_EQ(r.header("upgrade"), "proxmox-backup-protocol-v1");
  EXPECT_TRUE((*writer)->close());
}

TEST_F(BackupClientsTest, ReaderUpgradeOmitsTheRootNamespace) {
  BackupReaderParams p{"store1", types::BackupNamespace(), snapshot(), true};
  auto reader = BackupReaderClient::start(*client_, p);
  ASSERT_TRUE(reader) << reader.error().to_string();
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target,
            "/api2/json/reader?backup-id=100&backup-time=1717597476&backup-type=vm&debug=true&"
            "store=store1");
  EXPECT_EQ(requests[0].header("upgrade"), "proxmox-backup-reader-protocol-v1");
}

TEST_F(BackupClientsTest, WriterEndpointsSendTheDocumentedRequests) {
  BackupWriterParams p{"store1", types::BackupNamespace(), snapshot()};
  auto writer = *BackupWriterClient::start(*client_, p);
  Digest d1 = sha256("chunk one");
  Digest d2 = sha256("chunk two");

  auto previous = writer->previous_backup_time();
  ASSERT_TRUE(previous) << previous.error().to_string();
  EXPECT_EQ(*previous, std::optional<int64_t>(1717590000));
  auto manifest = writer->download_previous("index.json.blob");
  ASSERT_TRUE(manifest);
  EXPECT_EQ(*manifest, text_bytes("previous-manifest"));
  auto dynamic_wid = writer->create_dynamic_index("root.pxar.didx");
  ASSERT_TRUE(dynamic_wid) << dynamic_wid.error().to_string();
  EXPECT_EQ(*dynamic_wid, 1u);
  auto fixed_wid =
      writer->create_fixed_index("drive-scsi0.img.fidx", 8388608, std::string(64, 'a'));
  ASSERT_TRUE(fixed_wid) << fixed_wid.error().to_string();
  EXPECT_EQ(*fixed_wid, 2u);
  auto up1 = writer->upload_chunk(IndexKind::Dynamic, 1, d1, 9, text_bytes("blob-one"));
  ASSERT_TRUE(up1) << up1.error().to_string();
  EXPECT_EQ(*up1, d1);
  auto up2 = writer->upload_chunk_async(IndexKind::Fixed, 2, d2, 9, text_bytes("blob-two"));
  ASSERT_TRUE(up2.get());
  std::vector<Digest> digests{d1, d2};
  std::vector<uint64_t> offsets{0, 9};
  EXPECT_TRUE(writer->append(IndexKind::Dynamic, 1, digests, offsets));
  EXPECT_TRUE(writer->close_index(IndexKind::Dynamic, 1, 2, 18, d2));
  EXPECT_TRUE(writer->upload_blob("index.json.blob", text_bytes("manifest-blob")));
  EXPECT_TRUE(writer->speedtest(Bytes(100, 1)));
  EXPECT_TRUE(writer->finish());
  EXPECT_TRUE(writer->close());

  const std::string form = "application/x-www-form-urlencoded";
  const std::string octets = "application/octet-stream";
  const std::vector<Call> expected = {
      {"GET", "/previous_backup_time", "", form, ""},
      {"GET", "/previous", "archive-name=index.json.blob", form, ""},
      {"POST", "/dynamic_index", "archive-name=root.pxar.didx", form, ""},
      {"POST", "/fixed_index",
       "archive-name=drive-scsi0.img.fidx&size=8388608&reuse-csum=" + std::string(64, 'a'), form,
       ""},
      {"POST", "/dynamic_chunk", "wid=1&digest=" + d1.to_hex() + "&size=9&encoded-size=8", octets,
       "blob-one"},
      {"POST", "/fixed_chunk", "wid=2&digest=" + d2.to_hex() + "&size=9&encoded-size=8", octets,
       "blob-two"},
      {"PUT", "/dynamic_index", "", "application/json",
       nlohmann::json{
           {"wid", 1}, {"digest-list", {d1.to_hex(), d2.to_hex()}}, {"offset-list", {0, 9}}}
           .dump()},
      {"POST", "/dynamic_close", "wid=1&chunk-count=2&size=18&csum=" + d2.to_hex(), form, ""},
      {"POST", "/blob", "file-name=index.json.blob&encoded-size=13", octets, "manifest-blob"},
      {"POST", "/speedtest", "", octets, std::string(100, '\x01')},
      {"POST", "/finish", "", form, ""},
  };
  auto got = calls();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(got[i].method, expected[i].method) << "call " << i;
    EXPECT_EQ(got[i].path, expected[i].path) << "call " << i;
    EXPECT_EQ(got[i].query, expected[i].query) << "call " << i << " " << got[i].path;
    EXPECT_EQ(got[i].content_type, expected[i].content_type) << "call " << i << " " << got[i].path;
    EXPECT_EQ(got[i].body, expected[i].body) << "call " << i << " " << got[i].path;
  }
}

TEST_F(BackupClientsTest, WriterReportsServerErrorsWithTheirMessage) {
  BackupWriterParams p{"store1", types::BackupNamespace(), snapshot()};
  auto writer = *BackupWriterClient::start(*client_, p);
  std::vector<Digest> digests{*Digest::from_hex(std::string(64, 'f'))};
  std::vector<uint64_t> offsets{0};
  auto st = writer->append(IndexKind::Dynamic, 1, digests, offsets);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(st.error().to_string(),
            "PUT /dynamic_index failed with status 400: no such chunk " + std::string(64, 'f'));
  auto mismatch = writer->append(IndexKind::Dynamic, 1, digests, std::vector<uint64_t>{});
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code(), Errc::InvalidArgument);
}

TEST_F(BackupClientsTest, ReaderDownloadsFilesAndManyChunksInParallel) {
  BackupReaderParams p{"store1", *types::BackupNamespace::parse("a"), snapshot()};
  auto reader = *BackupReaderClient::start(*client_, p);
  auto file = reader->download("root.pxar.didx");
  ASSERT_TRUE(file) << file.error().to_string();
  EXPECT_EQ(*file, text_bytes("file:root.pxar.didx"));

  auto missing = reader->download("missing.blob");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
  EXPECT_EQ(missing.error().message(),
            "open file \"/store/vm/100/x/missing.blob\" failed - not found");

  std::vector<Digest> digests;
  std::vector<std::future<Result<Bytes>>> pending;
  for (int i = 0; i < 20; ++i) {
    digests.push_back(sha256(std::to_string(i)));
    pending.push_back(reader->download_chunk_async(digests.back()));
  }
  for (int i = 0; i < 20; ++i) {
    auto chunk = pending[i].get();
    ASSERT_TRUE(chunk) << "chunk " << i << ": " << chunk.error().to_string();
    EXPECT_EQ(*chunk, text_bytes(digests[i].to_hex())) << "chunk " << i;
  }
  auto speed = reader->speedtest();
  ASSERT_TRUE(speed);
  EXPECT_EQ(*speed, Bytes(1024 * 1024, 0x41));
  EXPECT_TRUE(reader->close());
  EXPECT_TRUE(reader->close()) << "close is idempotent";
}

}  // namespace
}  // namespace ferry::client
