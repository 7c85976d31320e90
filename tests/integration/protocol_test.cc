// End-to-end tests of the backup and reader protocols (protocol.md §2–§3): ferryd's handler
// stack in-process (TLS http::Server on 127.0.0.1 port 0, api::ProtocolUpgradeHandler in front
// of the REST ApiService, a real datastore and user/ACL config in a TempDir) driven by
// client::HttpClient with BackupWriterClient / BackupReaderClient.
//
// Images are small (two 4 MiB chunks and a short one) so every test runs in well under 5 s.

// g++ 12 reports a false -Wmismatched-new-delete for Asio's awaitable frames (GCC PR 109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/config/datastores.h"
#include "api/protocol/protocol_upgrade_handler.h"
#include "api/router_setup.h"
#include "auth/acl_config.h"
#include "auth/auth_context.h"
#include "auth/pbs_authenticator.h"
#include "auth/token_shadow.h"
#include "auth/user_config.h"
#include "client/backup_reader_client.h"
#include "client/backup_writer_client.h"
#include "client/http_client.h"
#include "datastore/data_blob.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"
#include "datastore/manifest.h"
#include "http/api_service.h"
#include "http/blocking_pool.h"
#include "http/certificate.h"
#include "http/router.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "support/store_temp_dir.h"

namespace ferry {
namespace {

namespace stdfs = std::filesystem;
using client::BackupReaderClient;
using client::BackupReaderParams;
using client::BackupWriterClient;
using client::BackupWriterParams;
using client::IndexKind;
using datastore::BackupManifest;
using datastore::CryptMode;
using datastore::DataBlob;

constexpr uint64_t kChunk = uint64_t(4) << 20;  // the server's fixed chunk size
constexpr int64_t kT0 = 1700000000;
constexpr auto kChunkDelay = std::chrono::milliseconds(300);

// ferryd's API stack over a temporary config dir with datastore "store1".
class ProtocolServer {
 public:
  ProtocolServer() : pool_(2) {
    config_ = dir_ / "etc";
    stdfs::create_directories(config_);
    const config::ConfigDir cfg(config_);
    http::CertificateOptions cert;
    cert.key_type = http::KeyType::EcP256;
    EXPECT_TRUE(http::generate_self_signed(config_, cert));
    auth_ = std::move(*auth::AuthContext::open(cfg, SystemClock::instance()));
    ctx_ = std::make_unique<api::ApiContext>(cfg, *auth_, SystemClock::instance(), dir_ / "locks");
    api::DatastoreCreateParams store{"store1", store_path().string(), {}};
    auto created = api::create_datastore(cfg, types::Authid::root(), store);
    EXPECT_TRUE(created) << created.error().to_string();

    auto router = std::make_shared<http::Router>();
    api::register_routes(*router, *ctx_);
    http::ApiServiceOptions opts;
    opts.authenticate = api::make_authenticator(*ctx_);
    opts.auth_failure_delay = std::chrono::milliseconds(0);
    opts.permission_failure_delay = std::chrono::milliseconds(0);
    auto service = std::make_shared<http::ApiService>(router, pool_, opts);
    api::ProtocolUpgradeOptions upgrade{opts.authenticate, std::chrono::milliseconds(0),
                                        kChunkDelay};
    auto handler =
        std::make_shared<api::ProtocolUpgradeHandler>(service, *ctx_, pool_, std::move(upgrade));
    auto tls = http::TlsContext::load(config_);
    EXPECT_TRUE(tls);
    fingerprint_ = (*tls)->fingerprint();
    http::ServerOptions sopts;
    sopts.listen = {{"127.0.0.1", 0, false}};
    sopts.shutdown_grace = std::chrono::milliseconds(500);
    auto server =
        http::Server::create(sopts, std::shared_ptr<http::TlsContext>(std::move(*tls)), handler);
    EXPECT_TRUE(server) << (server ? "" : server.error().to_string());
    server_ = std::move(*server);
    server_->start();
  }
  ~ProtocolServer() {
    server_->stop();
    server_->wait();
  }

  stdfs::path store_path() const { return dir_ / "store1"; }
  stdfs::path snapshot_path(int64_t t) const { return store_path() / snap(t).path(); }
  static types::BackupDir snap(int64_t t) {
    return *types::BackupDir::create(*types::BackupGroup::parse("vm/100"), t);
  }

  void add_user(const std::string& userid, const std::string& password) {
    auto id = *types::Userid::parse(userid);
    const config::ConfigDir cfg(config_);
    ASSERT_TRUE(auth::UserConfig::modify(cfg, std::nullopt, [&](auth::UserConfig& c) {
      auth::User u;
      u.userid = id;
      return c.set_user(u);
    }));
    ASSERT_TRUE(auth::PbsAuthenticator(cfg, auth::HashScheme::Sha256Crypt)
                    .store_password(id.name(), password));
  }
  std::string add_token(const std::string& tokenid) {
    auto id = *types::Authid::parse(tokenid);
    const config::ConfigDir cfg(config_);
    EXPECT_TRUE(auth::UserConfig::modify(cfg, std::nullopt, [&](auth::UserConfig& c) {
      auth::ApiToken t;
      t.tokenid = id;
      return c.set_token(t);
    }));
    auto secret = auth::TokenShadow(cfg, auth::HashScheme::Sha256Crypt).generate_and_set(id);
    return secret ? *secret : "";
  }
  void grant(const std::string& auth_id, const std::string& role) {
    auth::AclUpdate u;
    u.path = "/datastore/store1";
    u.role = role;
    u.propagate = true;
    u.auth_id = *types::Authid::parse(auth_id);
    auto st = auth::AclConfig::update(config::ConfigDir(config_), u);
    ASSERT_TRUE(st) << st.error().to_string();
  }

  std::unique_ptr<client::HttpClient> connect(const std::string& auth_id,
                                              const std::string& secret) {
    client::HttpClientOptions o;
    o.host = "127.0.0.1";
    o.port = server_->local_addresses().front().port;
    o.fingerprint = fingerprint_;
    o.auth_id = *types::Authid::parse(auth_id);
    o.secret = secret;
    auto c = client::HttpClient::create(std::move(o));
    EXPECT_TRUE(c) << c.error().to_string();
    return std::move(*c);
  }

 private:
  test::StoreTempDir dir_;  // tmpfs when available: datastore creation is cheap there
  stdfs::path config_;
  std::string fingerprint_;
  http::BlockingPool pool_;
  std::unique_ptr<auth::AuthContext> auth_;
  std::unique_ptr<api::ApiContext> ctx_;
  std::unique_ptr<http::Server> server_;
};

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>((i * 131 + seed * 7 + i / 4096) % 251);
  return b;
}

// An image of two full chunks and a short one; `seed` changes only the last chunk.
Bytes make_image(uint8_t seed) {
  Bytes image = pattern(2 * kChunk, 1);
  Bytes tail = pattern(1000, seed);
  image.insert(image.end(), tail.begin(), tail.end());
  return image;
}

struct BackupResult {
  size_t chunks_uploaded = 0;
};

BackupWriterParams writer_params(int64_t t) {
  return BackupWriterParams{.store = "store1", .snapshot = ProtocolServer::snap(t), .debug = true};
}

BackupReaderParams reader_params(int64_t t) {
  return BackupReaderParams{.store = "store1", .snapshot = ProtocolServer::snap(t)};
}

// Backs up `image` as disk.img.fidx plus qemu-server.conf.blob and the manifest, the way the
// PBS client does: with a previous snapshot, chunks of its index are only referenced.
BackupResult run_backup(client::HttpClient& http, int64_t t, const Bytes& image) {
  BackupResult result;
  auto w = BackupWriterClient::start(http, writer_params(t));
  EXPECT_TRUE(w) << w.error().to_string();
  if (!w) return result;
  auto& writer = **w;
  std::vector<Digest> known;
  auto prev = writer.previous_backup_time();
  EXPECT_TRUE(prev) << prev.error().to_string();
  if (prev && *prev) {
    EXPECT_TRUE(writer.download_previous("index.json.blob"));
    auto index = writer.download_previous("disk.img.fidx");
    EXPECT_TRUE(index) << index.error().to_string();
    if (index) known = datastore::FixedIndexReader::from_bytes(std::move(*index))->digests();
  }
  auto wid = writer.create_fixed_index("disk.img.fidx", image.size());
  EXPECT_TRUE(wid) << wid.error().to_string();
  std::vector<Digest> digests;
  std::vector<uint64_t> offsets;
  for (uint64_t off = 0; off < image.size(); off += kChunk) {
    const ByteView data(image.data() + off, std::min<uint64_t>(kChunk, image.size() - off));
    const Digest digest = sha256(data);
    if (std::find(known.begin(), known.end(), digest) == known.end()) {
      auto blob = DataBlob::encode(data, nullptr, true);
      auto stored = writer.upload_chunk(IndexKind::Fixed, *wid, digest, data.size(),
                                        std::move(*blob).take_raw());
      EXPECT_TRUE(stored) << stored.error().to_string();
      ++result.chunks_uploaded;
    }
    digests.push_back(digest);
    offsets.push_back(off);
  }
  EXPECT_TRUE(writer.append(IndexKind::Fixed, *wid, digests, offsets));
  Sha256 csum;
  for (const auto& d : digests) csum.update(d.bytes);
  const Digest index_csum = csum.finish();
  auto closed =
      writer.close_index(IndexKind::Fixed, *wid, digests.size(), image.size(), index_csum);
  EXPECT_TRUE(closed) << closed.error().to_string();

  const std::string conf = "memory: 512\n";
  auto conf_blob = DataBlob::encode(as_bytes(conf), nullptr, false);
  BackupManifest manifest("vm", "100", t);
  EXPECT_TRUE(manifest.add_file("disk.img.fidx", image.size(), index_csum, CryptMode::None));
  EXPECT_TRUE(manifest.add_file("qemu-server.conf.blob", conf_blob->raw().size(),
                                sha256(conf_blob->raw()), CryptMode::None));
  EXPECT_TRUE(writer.upload_blob("qemu-server.conf.blob", conf_blob->raw()));
  auto manifest_blob = manifest.to_blob();
  EXPECT_TRUE(writer.upload_blob("index.json.blob", manifest_blob->raw()));
  auto finished = writer.finish();
  EXPECT_TRUE(finished) << finished.error().to_string();
  EXPECT_TRUE(writer.close());
  return result;
}

// Restores disk.img.fidx of snapshot `t` through the reader protocol.
Bytes restore_image(client::HttpClient& http, int64_t t, BackupManifest* manifest_out) {
  const BackupReaderParams p = reader_params(t);
  auto r = BackupReaderClient::start(http, p);
  EXPECT_TRUE(r) << r.error().to_string();
  if (!r) return {};
  auto manifest_raw = (*r)->download("index.json.blob");
  EXPECT_TRUE(manifest_raw);
  auto manifest = BackupManifest::from_blob(*DataBlob::from_raw(std::move(*manifest_raw)));
  EXPECT_TRUE(manifest) << manifest.error().to_string();
  if (manifest && manifest_out) *manifest_out = *manifest;
  auto index_raw = (*r)->download("disk.img.fidx");
  EXPECT_TRUE(index_raw) << index_raw.error().to_string();
  auto index = datastore::FixedIndexReader::from_bytes(std::move(*index_raw));
  EXPECT_TRUE(index) << index.error().to_string();
  Bytes out;
  for (const Digest& d : index->digests()) {
    auto raw = (*r)->download_chunk(d);
    EXPECT_TRUE(raw) << raw.error().to_string();
    if (!raw) return {};
    auto data = DataBlob::from_raw(std::move(*raw))->decode(nullptr, &d);
    EXPECT_TRUE(data) << data.error().to_string();
    out.insert(out.end(), data->begin(), data->end());
  }
  out.resize(index->index_bytes());
  EXPECT_TRUE((*r)->close());
  return out;
}

class ProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.add_user("writer@pbs", "pass-w");
    server_.grant("writer@pbs", "DatastoreBackup");
  }
  ProtocolServer server_;
};

TEST_F(ProtocolTest, BacksUpIncrementallyAndRestoresTheSameBytes) {
  auto http = server_.connect("writer@pbs", "pass-w");
  const Bytes first = make_image(1);
  EXPECT_EQ(run_backup(*http, kT0, first).chunks_uploaded, 3u);
  ASSERT_TRUE(stdfs::exists(server_.snapshot_path(kT0) / "index.json.blob"));

  const Bytes second = make_image(2);  // only the short last chunk differs
  EXPECT_EQ(run_backup(*http, kT0 + 10, second).chunks_uploaded, 1u);

  BackupManifest manifest;
  const Bytes restored = restore_image(*http, kT0 + 10, &manifest);
  EXPECT_TRUE(restored == second) << "restored " << restored.size() << " bytes";
  auto stats = manifest.chunk_upload_stats();
  ASSERT_TRUE(stats && *stats);
  EXPECT_EQ((*stats)->count, 1u);
  EXPECT_TRUE(restore_image(*http, kT0, nullptr) == first);
}

TEST_F(ProtocolTest, DynamicIndexWithPipelinedUploadsRoundTrips) {
  auto http = server_.connect("writer@pbs", "pass-w");
  auto w = BackupWriterClient::start(*http, writer_params(kT0));
  ASSERT_TRUE(w) << w.error().to_string();
  auto wid = (*w)->create_dynamic_index("root.pxar.didx");
  ASSERT_TRUE(wid) << wid.error().to_string();
  // Chunks of varying size, uploaded concurrently on separate streams.
  std::vector<Bytes> chunks;
  std::vector<std::future<Result<Digest>>> uploads;
  for (uint8_t i = 0; i < 8; ++i) {
    chunks.push_back(pattern(20000 + i * 3000, i));
    auto blob = DataBlob::encode(chunks.back(), nullptr, true);
    uploads.push_back((*w)->upload_chunk_async(IndexKind::Dynamic, *wid, sha256(chunks.back()),
                                               chunks.back().size(), std::move(*blob).take_raw()));
  }
  std::vector<Digest> digests;
  std::vector<uint64_t> offsets;
  Sha256 csum;
  uint64_t end = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    auto stored = uploads[i].get();
    ASSERT_TRUE(stored) << stored.error().to_string();
    EXPECT_EQ(*stored, sha256(chunks[i]));
    digests.push_back(*stored);
    offsets.push_back(end);
    end += chunks[i].size();
    uint8_t le[8];
    store_le64(le, end);
    csum.update(ByteView(le, 8));
    csum.update(stored->bytes);
  }
  ASSERT_TRUE((*w)->append(IndexKind::Dynamic, *wid, digests, offsets));
  const Digest index_csum = csum.finish();
  auto closed = (*w)->close_index(IndexKind::Dynamic, *wid, digests.size(), end, index_csum);
  ASSERT_TRUE(closed) << closed.error().to_string();
  BackupManifest manifest("vm", "100", kT0);
  ASSERT_TRUE(manifest.add_file("root.pxar.didx", end, index_csum, CryptMode::None));
  ASSERT_TRUE((*w)->upload_blob("index.json.blob", manifest.to_blob()->raw()));
  auto finished = (*w)->finish();
  ASSERT_TRUE(finished) << finished.error().to_string();
  ASSERT_TRUE((*w)->close());

  auto r = BackupReaderClient::start(*http, reader_params(kT0));
  ASSERT_TRUE(r) << r.error().to_string();
  auto raw = (*r)->download("root.pxar.didx");
  ASSERT_TRUE(raw) << raw.error().to_string();
  auto index = datastore::DynamicIndexReader::from_bytes(std::move(*raw));
  ASSERT_TRUE(index) << index.error().to_string();
  ASSERT_EQ(index->index_count(), chunks.size());
  EXPECT_EQ(index->index_bytes(), end);
  std::vector<std::future<Result<Bytes>>> downloads;
  for (const Digest& d : digests) downloads.push_back((*r)->download_chunk_async(d));
  for (size_t i = 0; i < downloads.size(); ++i) {
    auto blob = downloads[i].get();
    ASSERT_TRUE(blob) << blob.error().to_string();
    auto data = DataBlob::from_raw(std::move(*blob))->decode(nullptr, &digests[i]);
    ASSERT_TRUE(data) << data.error().to_string();
    EXPECT_TRUE(*data == chunks[i]) << "chunk " << i;
  }
  EXPECT_TRUE((*r)->close());
}

TEST_F(ProtocolTest, BackupWithoutDatastoreBackupIsForbidden) {
  server_.add_user("audit@pbs", "pass-a");
  server_.grant("audit@pbs", "DatastoreAudit");
  auto http = server_.connect("audit@pbs", "pass-a");
  auto w = BackupWriterClient::start(*http, writer_params(kT0));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), Errc::PermissionDenied) << w.error().to_string();
  EXPECT_NE(
      w.error().to_string().find("missing permissions 'Datastore.Backup' on '/datastore/store1'"),
      std::string::npos)
      << w.error().to_string();
}

TEST_F(ProtocolTest, ReaderWithoutReadOrBackupPrivilegeGetsBadRequest) {
  auto writer = server_.connect("writer@pbs", "pass-w");
  run_backup(*writer, kT0, make_image(1));
  server_.add_user("audit@pbs", "pass-a");
  server_.grant("audit@pbs", "DatastoreAudit");
  auto http = server_.connect("audit@pbs", "pass-a");
  const BackupReaderParams p = reader_params(kT0);
  auto r = BackupReaderClient::start(*http, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::InvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().to_string().find("no permissions on /datastore/store1"), std::string::npos)
      << r.error().to_string();
}

TEST_F(ProtocolTest, UpgradeWithWrongTokenSecretIsUnauthenticated) {
  server_.add_token("writer@pbs!tok");
  server_.grant("writer@pbs!tok", "DatastoreBackup");
  auto http = server_.connect("writer@pbs!tok", "not-the-secret");
  auto w = BackupWriterClient::start(*http, writer_params(kT0));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), Errc::Unauthenticated) << w.error().to_string();
  EXPECT_FALSE(stdfs::exists(server_.snapshot_path(kT0)));
}

TEST_F(ProtocolTest, UpgradeWithWrongPasswordIsUnauthenticated) {
  auto http = server_.connect("writer@pbs", "wrong");
  auto w = BackupWriterClient::start(*http, writer_params(kT0));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), Errc::Unauthenticated) << w.error().to_string();
  EXPECT_FALSE(stdfs::exists(server_.snapshot_path(kT0)));
}

TEST_F(ProtocolTest, UpgradeQueryIsCheckedBeforeTheProtocolHeader) {
  auto http = server_.connect("writer@pbs", "pass-w");
  ASSERT_TRUE(http->login());
  const std::string base = "backup-id=100&backup-time=1700000000&backup-type=vm&store=store1";
  struct Case {
    std::string path;
    std::string query;
    int status;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"/api2/json/backup", base + "&foo=1", 400, "parameter verification failed - 'foo'"},
      {"/api2/json/reader", base + "&benchmark=true", 400,
       "parameter verification failed - 'benchmark'"},
      {"/api2/json/backup", "store=store1&backup-type=vm&backup-id=100", 400, "'backup-time'"},
      {"/api2/json/backup", base + "&backup-time=0", 400, "'backup-time'"},
      {"/api2/json/backup", base, 400, "missing Upgrade header"},
      {"/api2/json/backup", base + "&ns=missing", 400, "missing Upgrade header"},
      // Privileges come before the datastore lookup (PBS's order).
      {"/api2/json/backup", "backup-id=100&backup-time=1&backup-type=vm&store=nostore", 403,
       "missing permissions 'Datastore.Backup' on '/datastore/nostore'"},
  };
  for (const auto& c : cases) {
    auto r = http->request_raw(client::Method::Get, c.path, c.query);
    ASSERT_TRUE(r) << r.error().to_string();
    const std::string body(as_chars(r->body));
    EXPECT_EQ(r->status, c.status) << c.path << "?" << c.query << ": " << body;
    EXPECT_NE(body.find(c.text), std::string::npos) << c.path << "?" << c.query << ": " << body;
  }
  EXPECT_FALSE(stdfs::exists(server_.snapshot_path(1700000000)));
  // Other paths still reach the REST API.
  auto version = http->get("/api2/json/version");
  EXPECT_TRUE(version) << version.error().to_string();
}

TEST_F(ProtocolTest, BackupWithTokenSucceeds) {
  const std::string secret = server_.add_token("writer@pbs!tok");
  server_.grant("writer@pbs!tok", "DatastoreBackup");
  auto http = server_.connect("writer@pbs!tok", secret);
  EXPECT_EQ(run_backup(*http, kT0, make_image(3)).chunks_uploaded, 3u);
  EXPECT_TRUE(stdfs::exists(server_.snapshot_path(kT0) / "disk.img.fidx"));
}

TEST_F(ProtocolTest, ConnectionDroppedBeforeFinishLeavesNoSnapshot) {
  auto http = server_.connect("writer@pbs", "pass-w");
  {
    auto w = BackupWriterClient::start(*http, writer_params(kT0));
    ASSERT_TRUE(w) << w.error().to_string();
    EXPECT_TRUE(stdfs::exists(server_.snapshot_path(kT0)));
    auto wid = (*w)->create_fixed_index("disk.img.fidx", kChunk);
    ASSERT_TRUE(wid);
    const Bytes data = pattern(kChunk, 9);
    auto blob = DataBlob::encode(data, nullptr, true);
    ASSERT_TRUE((*w)->upload_chunk(IndexKind::Fixed, *wid, sha256(data), data.size(),
                                   std::move(*blob).take_raw()));
  }  // closes the connection without /finish
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (stdfs::exists(server_.snapshot_path(kT0)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(stdfs::exists(server_.snapshot_path(kT0)));
  // The group is free again: a new backup of it starts.
  EXPECT_EQ(run_backup(*http, kT0 + 1, make_image(1)).chunks_uploaded, 3u);
}

TEST_F(ProtocolTest, ChunkNotInADownloadedIndexIsRefusedAfterADelay) {
  auto http = server_.connect("writer@pbs", "pass-w");
  const Bytes image = make_image(1);
  run_backup(*http, kT0, image);
  const BackupReaderParams p = reader_params(kT0);
  auto r = BackupReaderClient::start(*http, p);
  ASSERT_TRUE(r) << r.error().to_string();
  const Digest first = sha256(ByteView(image.data(), kChunk));
  const auto start = std::chrono::steady_clock::now();
  auto chunk = (*r)->download_chunk(first);
  ASSERT_FALSE(chunk);
  EXPECT_EQ(chunk.error().code(), Errc::Unauthenticated) << chunk.error().to_string();
  EXPECT_NE(chunk.error().to_string().find("download chunk " + first.to_hex() + " not allowed"),
            std::string::npos)
      << chunk.error().to_string();
  EXPECT_GE(std::chrono::steady_clock::now() - start, kChunkDelay);
  // After downloading the index the same chunk is served.
  ASSERT_TRUE((*r)->download("disk.img.fidx"));
  EXPECT_TRUE((*r)->download_chunk(first));
  auto missing = (*r)->download("missing.blob");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound) << missing.error().to_string();
  EXPECT_TRUE((*r)->close());
}

TEST_F(ProtocolTest, ReaderOfMissingSnapshotFails) {
  auto http = server_.connect("writer@pbs", "pass-w");
  run_backup(*http, kT0, make_image(1));  // the group exists and is the caller's
  const BackupReaderParams p = reader_params(kT0 + 5);
  auto r = BackupReaderClient::start(*http, p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("does not exist"), std::string::npos)
      << r.error().to_string();
}

}  // namespace
}  // namespace ferry
