// A fake remote Proxmox Backup Server for the sync tests: the client suite's TestServer (TLS,
// login, upgrade to HTTP/2) answering the datastore listing endpoints and the reader protocol
// from a datastore, through a LocalSyncSource (so visibility follows the ACL given for the
// remote user). It exercises RemoteSyncSource over real HTTPS and HTTP/2 until the real
// server's endpoints can run in-process.
//
// Limits of the fake: a reader is bound to the snapshot of the most recent upgrade request
// (readers must be opened one at a time), and a missing or locked snapshot is reported on the
// first request of the reader instead of refusing the upgrade.
#pragma once

#include <memory>
#include <string>

#include "client/http_client.h"
#include "sync/local_sync_source.h"
#include "sync_test_support.h"
#include "unit/client/test_server.h"

namespace ferry::sync::test {

namespace ct = ferry::client::test;

inline std::string percent_decode(std::string_view in) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out += char(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

// A decimal query value; 0 when absent or malformed.
inline int64_t number_param(std::string_view query, std::string_view name) {
  std::string text = ct::query_param(query, name);
  int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

inline std::string param(std::string_view query, std::string_view name) {
  return percent_decode(ct::query_param(query, name));
}

class FakePbsServer {
 public:
  struct Options {
    bool namespaces_supported = true;
    std::string acl;                   // of the remote user's visibility identity
    Authid identity = Authid::root();  // whose privileges decide visibility
  };

  FakePbsServer(const datastore::Datastore& store, Options opts)
      : store_(store),
        opts_(std::move(opts)),
        users_(make_user_info(opts_.acl)),
        local_(store_, users_, opts_.identity) {
    ct::TestServer::Config config;
    config.rest = [this](const ct::RecordedRequest& r) { return rest(r); };
    config.h2_handler = [this] { return make_handler(); };
    server_ = std::make_unique<ct::TestServer>(std::move(config));
  }

  client::HttpClientOptions client_options() const {
    client::HttpClientOptions o;
    o.host = "127.0.0.1";
    o.port = server_->port();
    o.fingerprint = server_->fingerprint();
    o.auth_id = aid("sync@pbs");
    o.secret = "secret";
    return o;
  }

  // Requests whose path ends in `suffix` (query ignored).
  size_t requests_to(std::string_view suffix) const {
    size_t n = 0;
    for (const auto& r : server_->requests()) {
      std::string_view path = std::string_view(r.target).substr(0, r.target.find('?'));
      if (path.ends_with(suffix)) ++n;
    }
    return n;
  }
  size_t chunk_requests() const { return chunk_requests_; }

 private:
  static ct::RestReply error_reply(const Error& e) {
    return {e.code() == Errc::NotFound ? 404 : 400, e.to_string()};
  }
  static ct::RestReply data_reply(nlohmann::json data) {
    return {200, nlohmann::json{{"data", std::move(data)}}.dump()};
  }

  ct::RestReply rest(const ct::RecordedRequest& r) {
    std::string_view target = r.target;
    std::string_view path = target.substr(0, target.find('?'));
    std::string_view query =
        target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
    const std::string prefix = "/api2/json/admin/datastore/" + store_.name() + "/";
    if (!path.starts_with(prefix)) return {404, "Path '" + std::string(path) + "' not found."};
    std::string_view leaf = path.substr(prefix.size());
    auto ns = BackupNamespace::parse(param(query, leaf == "namespace" ? "parent" : "ns"));
    if (!ns) return error_reply(ns.error());
    if (leaf == "namespace") {
      if (!opts_.namespaces_supported) return {404, "Path '" + std::string(path) + "' not found."};
      std::optional<size_t> depth;
      if (!param(query, "max-depth").empty()) depth = size_t(number_param(query, "max-depth"));
      auto list = local_.list_namespaces(*ns, depth);
      if (!list) return error_reply(list.error());
      nlohmann::json data = nlohmann::json::array();
      for (auto& n : **list) data.push_back({{"ns", n.to_string()}});
      return data_reply(std::move(data));
    }
    if (leaf == "groups") {
      auto list = local_.list_groups(*ns);
      if (!list) return error_reply(list.error());
      nlohmann::json data = nlohmann::json::array();
      for (auto& g : *list) {
        data.push_back({{"backup-type", types::to_string(g.type())}, {"backup-id", g.id()}});
      }
      return data_reply(std::move(data));
    }
    if (leaf == "snapshots") return snapshots(*ns, query);
    return {404, "Path '" + std::string(path) + "' not found."};
  }

  ct::RestReply snapshots(const BackupNamespace& n, std::string_view query) {
    auto type = types::parse_backup_type(param(query, "backup-type"));
    if (!type) return error_reply(type.error());
    auto group = BackupGroup::create(*type, param(query, "backup-id"));
    if (!group) return error_reply(group.error());
    auto list = local_.list_snapshots(n, *group);
    if (!list) return error_reply(list.error());
    nlohmann::json data = nlohmann::json::array();
    for (const auto& s : *list) {
      nlohmann::json item{{"backup-type", types::to_string(group->type())},
                          {"backup-id", group->id()},
                          {"backup-time", s.dir.time()},
                          {"protected", s.is_protected}};
      if (s.size) item["size"] = *s.size;
      if (s.verify_state) {
        item["verification"] = {
            {"state", *s.verify_state == datastore::VerifyState::Ok ? "ok" : "failed"},
            {"upid", "UPID:fake"}};
      }
      nlohmann::json files = nlohmann::json::array();
      if (s.size) files.push_back({{"filename", "index.json.blob"}, {"crypt-mode", "none"}});
      for (const auto& f : s.files) {
        files.push_back({{"filename", f.filename},
                         {"crypt-mode", datastore::crypt_mode_name(f.crypt_mode)},
                         {"size", f.size}});
      }
      item["files"] = std::move(files);
      data.push_back(std::move(item));
    }
    return data_reply(std::move(data));
  }

  // Serves /download and /chunk of the snapshot named by the latest upgrade request.
  class ReaderHandler final : public ct::TestH2Handler {
   public:
    ReaderHandler(Result<std::unique_ptr<SnapshotReader>> reader, std::atomic<size_t>& chunks)
        : reader_(std::move(reader)), chunks_(chunks) {}
    boost::asio::awaitable<http::H2Response> handle(http::H2Request request) override {
      co_return answer(request);
    }

   private:
    http::H2Response answer(const http::H2Request& request) {
      if (!reader_) return {400, {}, to_bytes(reader_.error().to_string())};
      Result<Bytes> body = make_error(Errc::NotFound, "Path '{}' not found.", request.path);
      if (request.path == "/download") {
        body = (*reader_)->download(param(request.query, "file-name"));
      } else if (request.path == "/chunk") {
        ++chunks_;
        auto digest = Digest::from_hex(param(request.query, "digest"));
        body = digest ? (*reader_)->fetch_chunk(*digest).get()
                      : Result<Bytes>(tl::unexpected(digest.error()));
      }
      if (!body) {
        return {body.error().code() == Errc::NotFound ? 404 : 400,
                {},
                to_bytes(body.error().to_string())};
      }
      return {200, {}, std::move(*body)};
    }
    static Bytes to_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

    Result<std::unique_ptr<SnapshotReader>> reader_;
    std::atomic<size_t>& chunks_;
  };

  std::shared_ptr<ct::TestH2Handler> make_handler() {
    auto requests = server_->requests();
    std::string query;
    for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
      if (it->has_header("upgrade")) {
        query = it->target.substr(it->target.find('?') + 1);
        break;
      }
    }
    auto reader = [&]() -> Result<std::unique_ptr<SnapshotReader>> {
      FERRY_TRY_ASSIGN(auto n, BackupNamespace::parse(param(query, "ns")));
      FERRY_TRY_ASSIGN(auto type, types::parse_backup_type(param(query, "backup-type")));
      FERRY_TRY_ASSIGN(auto group, BackupGroup::create(type, param(query, "backup-id")));
      FERRY_TRY_ASSIGN(auto d, BackupDir::create(group, number_param(query, "backup-time")));
      return local_.open_reader(n, d);
    }();
    return std::make_shared<ReaderHandler>(std::move(reader), chunk_requests_);
  }

  const datastore::Datastore& store_;
  Options opts_;
  std::shared_ptr<const auth::UserInfo> users_;
  LocalSyncSource local_;
  std::atomic<size_t> chunk_requests_{0};
  std::unique_ptr<ct::TestServer> server_;
};

}  // namespace ferry::sync::test
