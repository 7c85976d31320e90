// Pulling from a real ferryd over the network (issue #6): the source is a `ferryd` process on
// 127.0.0.1 with real TLS (its own self-signed certificate), its datastore filled directly on
// disk with the datastore test builders; the target is a local datastore with a remote.cfg
// entry pinning the source's fingerprint. Pulls run in-process through open_sync_source
// (login, pinning, rate-in) and pull_store, and once through `ferry-manager pull`.
//
// Covers: full sync byte-identical + no-op rerun without chunk transfers, namespaces with
// max-depth, group-filter, remove-vanished, transfer-last, wrong fingerprint (both named),
// wrong password, the source killed mid-transfer (no partial snapshot; the next run completes)
// and rate-in (loose bound).
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "auth/pbs_authenticator.h"
#include "client/http_client.h"
#include "config/remote_config.h"
#include "datastore/verify.h"
#include "http/tls_context.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"
#include "sync/pull.h"
#include "sync/source_factory.h"

namespace ferry {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;
using test::TestDatastoreSpec;
using test::TestSnapshotSpec;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

constexpr int64_t kT1 = 1717200000;  // 2024-06-01T00:00:00Z
int64_t t(int k) { return kT1 + (k - 1) * 86400; }
BackupNamespace ns(std::string_view s) { return *BackupNamespace::parse(s); }
BackupGroup grp(std::string_view s) { return *BackupGroup::parse(s); }

class LinesLog final : public sync::SyncLog {
 public:
  void log(std::string_view line) override {
    std::lock_guard l(mu_);
    text_ += std::string(line) + "\n";
  }
  void warn(std::string_view line) override { log("WARN: " + std::string(line)); }
  std::string text() const {
    std::lock_guard l(mu_);
    return text_;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
};

void write_file(const stdfs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool can_connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A ferryd process serving `etc` on 127.0.0.1:port.
class Ferryd {
 public:
  Ferryd(stdfs::path root, stdfs::path etc) : root_(std::move(root)), etc_(std::move(etc)) {}
  ~Ferryd() { stop(SIGTERM); }

  void start() {
    port_ = port_ ? port_ : free_port();
    const std::string bin = std::string(FERRY_BIN_DIR) + "/ferryd";
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setenv("FERRY_LOG_DIR", (root_ / "log").c_str(), 1);
      ::setenv("FERRY_RUN_DIR", (root_ / "run").c_str(), 1);
      ::setenv("FERRY_STATE_DIR", (root_ / "state").c_str(), 1);
      ::setenv("FERRY_CERT_KEY_TYPE", "ec-p256", 1);
      std::freopen((root_ / "ferryd.log").c_str(), "a", stderr);
      ::execl(bin.c_str(), "ferryd", "--config-dir", etc_.c_str(), "--listen", listen.c_str(),
              "--log-level", "warn", static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    for (int i = 0; i < 300 && !can_connect(port_); ++i) std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(can_connect(port_)) << "ferryd did not start; see " << root_ / "ferryd.log";
  }

  void stop(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  uint16_t port() const { return port_; }

 private:
  stdfs::path root_, etc_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

class SyncTwoServersTest : public ::testing::Test {
 protected:
  // Source store "src" with `spec`, served by ferryd to sync@pbs (DatastoreReader).
  void serve(TestDatastoreSpec spec) {
    spec.name = "src";
    stdfs::create_directories(src_etc_);
    auto store = test::make_test_datastore(root() / "src", root() / "srclocks", spec);
    ASSERT_TRUE(store) << store.error().to_string();
    src_ = std::move(*store);
    write_file(src_etc_ / "datastore.cfg",
               "datastore: src\n\tpath " + (root() / "src").string() + "\n");
    write_file(src_etc_ / "user.cfg", "user: sync@pbs\n\tenable true\n\texpire 0\n");
    write_file(src_etc_ / "acl.cfg", "acl:1:/datastore/src:sync@pbs:DatastoreReader\n");
    ASSERT_TRUE(auth::PbsAuthenticator(config::ConfigDir(src_etc_)).store_password("sync",
                                                                                   "secret"));
    server_ = std::make_unique<Ferryd>(root() / "srcvar", src_etc_);
    stdfs::create_directories(root() / "srcvar");
    server_->start();
    auto tls = http::TlsContext::load(src_etc_);
    ASSERT_TRUE(tls) << tls.error().to_string();
    fingerprint_ = (*tls)->fingerprint();
    make_target();
    write_remote(fingerprint_, "secret");
  }

  void make_target() {
    stdfs::create_directories(dst_etc_);
    auto dst = datastore::Datastore::create(
        "local", root() / "local",
        {.lock_dir = root() / "run" / "locks", .sync_level = datastore::SyncLevel::None});
    ASSERT_TRUE(dst) << dst.error().to_string();
    dst_ = std::move(*dst);
    write_file(dst_etc_ / "datastore.cfg",
               "datastore: local\n\tpath " + (root() / "local").string() + "\n");
  }

  void write_remote(std::string_view fingerprint, std::string_view password) {
    write_file(dst_etc_ / "remote.cfg",
               fmt::format("remote: pbs2\n\tauth-id sync@pbs\n\tfingerprint {}\n\thost "
                           "127.0.0.1\n\tpassword {}\n\tport {}\n",
                           fingerprint, config::RemoteConfig::encode_password(password),
                           server_->port()));
  }

  sync::PullParams params() const {
    sync::PullParams p;
    p.remote = "pbs2";
    p.source_store = "src";
    return p;
  }

  Result<sync::PullStats> pull(const sync::PullParams& p, uint64_t rate_in = 0) {
    sync::SyncSourceSpec spec;
    spec.remote = "pbs2";
    spec.source_store = "src";
    spec.limits.rate_in = rate_in;
    spec.request_timeout = 10s;
    FERRY_TRY_ASSIGN(auto source,
                     sync::open_sync_source(config::ConfigDir(dst_etc_), spec, nullptr));
    sync::PullEnv env{*dst_, *source, *users_, log_, SystemClock::instance(), nullptr};
    return sync::pull_store(p, env);
  }

  bool target_has(std::string_view n, std::string_view group, int64_t time) const {
    std::error_code ec;
    return stdfs::exists(dst_->snapshot_path(ns(n), *BackupDir::create(grp(group), time)), ec);
  }

  // Every snapshot directory of the target verifies (a partial one would not).
  void expect_only_complete_snapshots() {
    auto groups = dst_->list_groups({});
    ASSERT_TRUE(groups);
    for (const auto& g : *groups) {
      auto snaps = dst_->list_snapshots({}, g);
      ASSERT_TRUE(snaps);
      for (const auto& s : *snaps) {
        datastore::VerifyCache cache;
        auto v = datastore::verify_snapshot(*dst_, {}, s.dir, cache, {});
        ASSERT_TRUE(v) << s.dir.to_string() << ": " << v.error().to_string();
        EXPECT_EQ(v->outcome, datastore::VerifyOutcome::Ok) << s.dir.to_string();
      }
    }
  }

  const stdfs::path& root() const { return dir_.path(); }

  test::StoreTempDir dir_;
  stdfs::path src_etc_ = root() / "srcetc";
  stdfs::path dst_etc_ = root() / "dstetc";
  std::unique_ptr<datastore::Datastore> src_;
  std::unique_ptr<datastore::Datastore> dst_;
  std::unique_ptr<Ferryd> server_;
  std::string fingerprint_;
  std::shared_ptr<const auth::UserInfo> users_ = std::make_shared<auth::UserInfo>(
      std::make_shared<auth::UserConfig>(), std::make_shared<auth::AclTree>());
  LinesLog log_;
};

TEST_F(SyncTwoServersTest, FullSyncThenANoOpRerunTransfersNoChunk) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)},
                       {.group = "vm/100", .time = t(2), .image_chunks = {1, 2, 4}},
                       {.group = "ct/200", .time = t(1), .stream_seed = 7}}});
  auto r = pull(params());
  ASSERT_TRUE(r) << r.error().to_string() << "\n" << log_.text();
  EXPECT_EQ(r->errors, 0u) << log_.text();
  EXPECT_EQ(r->snapshots, 3u);
  EXPECT_GT(r->chunks_downloaded, 0u);
  expect_only_complete_snapshots();
  for (auto [g, k] : {std::pair{"vm/100", 1}, {"vm/100", 2}, {"ct/200", 1}}) {
    EXPECT_TRUE(target_has("", g, t(k))) << g << " " << k;
  }
  auto again = pull(params());
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again->errors, 0u) << log_.text();
  EXPECT_EQ(again->chunks_downloaded, 0u);
  EXPECT_EQ(again->files_downloaded, 0u);
}

TEST_F(SyncTwoServersTest, NamespacesDownToMaxDepth) {
  serve({.namespaces = {"a", "a/b", "a/b/c"},
         .snapshots = {{.ns = "a", .group = "vm/1", .time = t(1)},
                       {.ns = "a/b", .group = "vm/2", .time = t(1)},
                       {.ns = "a/b/c", .group = "vm/3", .time = t(1)}}});
  auto p = params();
  p.source_ns = ns("a");
  p.target_ns = ns("x");
  p.max_depth = 1;
  ASSERT_TRUE(dst_->create_namespace(ns("x")));
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_TRUE(target_has("x", "vm/1", t(1)));
  EXPECT_TRUE(target_has("x/b", "vm/2", t(1)));
  EXPECT_FALSE(target_has("x/b/c", "vm/3", t(1))) << "below max-depth";
}

TEST_F(SyncTwoServersTest, GroupFilterRemoveVanishedAndTransferLast) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)},
                       {.group = "vm/100", .time = t(2)},
                       {.group = "vm/100", .time = t(3)},
                       {.group = "ct/200", .time = t(1)}}});
  auto p = params();
  p.group_filter = {*types::GroupFilter::parse("group:vm/100")};
  p.transfer_last = 1;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_TRUE(target_has("", "vm/100", t(3)));
  EXPECT_FALSE(target_has("", "vm/100", t(2))) << "transfer-last 1";
  EXPECT_FALSE(target_has("", "ct/200", t(1))) << "group filter";

  auto full = pull(params());
  ASSERT_TRUE(full && full->errors == 0) << log_.text();
  EXPECT_TRUE(target_has("", "ct/200", t(1)));
  ASSERT_TRUE(src_->delete_group({}, grp("ct/200")));
  auto vanished = params();
  vanished.remove_vanished = true;
  auto r2 = pull(vanished);
  ASSERT_TRUE(r2 && r2->errors == 0) << log_.text();
  EXPECT_EQ(r2->removed_groups, 1u);
  EXPECT_FALSE(target_has("", "ct/200", t(1)));
}

TEST_F(SyncTwoServersTest, WrongFingerprintIsRefusedNamingBothFingerprints) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  const std::string wrong =
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:"
      "ee:ff";
  write_remote(wrong, "secret");
  auto r = pull(params());
  ASSERT_FALSE(r);
  const std::string text = r.error().to_string();
  EXPECT_NE(text.find(wrong), std::string::npos) << text;
  std::string actual = fingerprint_;
  for (char& c : actual) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string lower_text = text;
  for (char& c : lower_text) c = char(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(lower_text.find(actual), std::string::npos) << text;
  EXPECT_TRUE(dst_->list_groups({})->empty());
}

TEST_F(SyncTwoServersTest, WrongPasswordFailsBeforeAnyChange) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  write_remote(fingerprint_, "wrong");
  auto r = pull(params());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Unauthenticated) << r.error().to_string();
  EXPECT_TRUE(dst_->list_groups({})->empty());
}

std::vector<uint64_t> many_chunks(uint64_t first, size_t n) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(first + i);
  return out;
}

TEST_F(SyncTwoServersTest, ServerKilledMidTransferLeavesNoPartialSnapshotAndTheNextRunCompletes) {
  // 2 snapshots of 4 MiB each, pulled at 1 MiB/s: the kill lands inside a transfer.
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(100, 64)},
                       {.group = "vm/100", .time = t(2), .image_chunks = many_chunks(200, 64)}}});
  std::thread killer([this] {
    std::this_thread::sleep_for(2500ms);
    server_->stop(SIGKILL);
  });
  auto r = pull(params(), 1024 * 1024);
  killer.join();
  EXPECT_TRUE(!r || r->errors > 0) << "the pull did not notice the dead server\n" << log_.text();
  expect_only_complete_snapshots();
  EXPECT_FALSE(target_has("", "vm/100", t(2))) << "finished before the kill?\n" << log_.text();

  server_->start();
  auto again = pull(params());
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again->errors, 0u) << log_.text();
  EXPECT_TRUE(target_has("", "vm/100", t(1)));
  EXPECT_TRUE(target_has("", "vm/100", t(2)));
  expect_only_complete_snapshots();
}

TEST_F(SyncTwoServersTest, RateInLimitsThroughput) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(300, 32)}}});
  constexpr uint64_t kRate = 1024 * 1024;
  const auto start = std::chrono::steady_clock::now();
  auto r = pull(params(), kRate);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  ASSERT_GE(r->bytes_downloaded, kRate) << "too little data to measure";
  // Loose: at least 80 % of the time the limit implies; a generous ceiling for loaded hosts.
  EXPECT_GE(secs, 0.8 * double(r->bytes_downloaded) / double(kRate)) << secs;
  EXPECT_LT(secs, 60.0);
}

TEST_F(SyncTwoServersTest, ManagerPullCommandPullsFromTheRemote) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  dst_.reset();  // the CLI opens the datastore itself
  const std::string cmd = fmt::format(
      "FERRY_RUN_DIR='{}' '{}/ferry-manager' --config-dir '{}' pull pbs2 src local 2>&1",
      (root() / "run").string(), FERRY_BIN_DIR, dst_etc_.string());
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::array<char, 4096> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = ::pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("pull datastore 'local' from 'pbs2/src'"), std::string::npos) << out;
  EXPECT_NE(out.find("sync snapshot vm/100/2024-06-01T00:00:00Z done"), std::string::npos) << out;
  EXPECT_NE(out.find("pull datastore 'local' end"), std::string::npos) << out;

  const std::string bad = fmt::format("'{}/ferry-manager' --config-dir '{}' pull nope src local 2>&1",
                                      FERRY_BIN_DIR, dst_etc_.string());
  FILE* q = ::popen(bad.c_str(), "r");
  std::string err;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), q)) err.append(buf.data(), n);
  EXPECT_NE(WEXITSTATUS(::pclose(q)), 0);
  EXPECT_NE(err.find("no such remote 'nope'"), std::string::npos) << err;
}

// POST /api2/json/pull on a second ferryd (the target) pulling from the first: a `sync` task
// whose log holds the PBS lines and ends with TASK OK; unknown remotes fail before any task.
// Also /config/remote/{name}/scan against the real source.
TEST_F(SyncTwoServersTest, PullApiRunsASyncTaskOnTheTargetServer) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  dst_.reset();  // the target ferryd opens it
  write_file(dst_etc_ / "user.cfg",
             "user: admin@pbs\n\tenable true\n\texpire 0\n\n"
             "user: weak@pbs\n\tenable true\n\texpire 0\n");
  // weak@pbs may back up into the target but may not read the remote.
  write_file(dst_etc_ / "acl.cfg",
             "acl:1:/:admin@pbs:Admin\nacl:1:/datastore/local:weak@pbs:DatastoreBackup\n");
  ASSERT_TRUE(auth::PbsAuthenticator(config::ConfigDir(dst_etc_)).store_password("admin", "pw"));
  ASSERT_TRUE(auth::PbsAuthenticator(config::ConfigDir(dst_etc_)).store_password("weak", "pw"));
  stdfs::create_directories(root() / "dstvar");
  Ferryd target(root() / "dstvar", dst_etc_);
  target.start();
  auto tls = http::TlsContext::load(dst_etc_);
  ASSERT_TRUE(tls);
  client::HttpClientOptions o;
  o.host = "127.0.0.1";
  o.port = target.port();
  o.fingerprint = (*tls)->fingerprint();
  o.auth_id = *types::Authid::parse("admin@pbs");
  o.secret = "pw";
  auto c = client::HttpClient::create(o);
  ASSERT_TRUE(c) << c.error().to_string();
  // The remote scan endpoints reach the real source server with the stored credentials.
  auto stores = (*c)->get("/api2/json/config/remote/pbs2/scan");
  ASSERT_TRUE(stores) << stores.error().to_string();
  EXPECT_NE(stores->dump().find("\"src\""), std::string::npos) << stores->dump();
  auto groups = (*c)->get("/api2/json/config/remote/pbs2/scan/src/groups");
  ASSERT_TRUE(groups) << groups.error().to_string();
  EXPECT_NE(groups->dump().find("\"100\""), std::string::npos) << groups->dump();
  auto nss = (*c)->get("/api2/json/config/remote/pbs2/scan/src/namespaces");
  ASSERT_TRUE(nss) << nss.error().to_string();
  EXPECT_TRUE(nss->is_array()) << nss->dump();
  auto bad = (*c)->post("/api2/json/pull",
                        {{"store", "local"}, {"remote", "nope"}, {"remote-store", "src"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().to_string().find("no such remote 'nope'"), std::string::npos)
      << bad.error().to_string();
  {
    client::HttpClientOptions wo = o;
    wo.auth_id = *types::Authid::parse("weak@pbs");
    auto weak = client::HttpClient::create(wo);
    ASSERT_TRUE(weak);
    auto denied = (*weak)->post("/api2/json/pull",
                                {{"store", "local"}, {"remote", "pbs2"}, {"remote-store", "src"}});
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code(), Errc::InvalidArgument) << denied.error().to_string();
    EXPECT_NE(denied.error().to_string().find("/remote/pbs2/src"), std::string::npos)
        << denied.error().to_string();
  }
  auto upid = (*c)->post("/api2/json/pull",
                         {{"store", "local"}, {"remote", "pbs2"}, {"remote-store", "src"}});
  ASSERT_TRUE(upid) << upid.error().to_string();
  ASSERT_TRUE(upid->is_string()) << upid->dump();
  EXPECT_NE(upid->get<std::string>().find(":sync:local:"), std::string::npos) << upid->dump();
  const std::string base =
      "/api2/json/nodes/localhost/tasks/" + client::encode_path_component(upid->get<std::string>());
  nlohmann::json status;
  for (int i = 0; i < 300; ++i) {
    auto st = (*c)->get(base + "/status");
    ASSERT_TRUE(st) << st.error().to_string();
    status = *st;
    if (status.value("status", "") == "stopped") break;
    std::this_thread::sleep_for(100ms);
  }
  auto log = (*c)->get(base + "/log", {{"limit", 0}});
  ASSERT_TRUE(log) << log.error().to_string();
  std::string text;
  for (const auto& l : *log) text += l.value("t", "") + "\n";
  EXPECT_EQ(status.value("exitstatus", ""), "OK") << status.dump() << "\n" << text;
  EXPECT_NE(text.find("pull datastore 'local' from 'pbs2/src'"), std::string::npos) << text;
  EXPECT_NE(text.find("pull datastore 'local' end"), std::string::npos) << text;
  EXPECT_NE(text.find("TASK OK"), std::string::npos) << text;
}

}  // namespace
}  // namespace ferry
