#include "api/protocol/protocol_upgrade_handler.h"

// g++ 12 reports a false -Wmismatched-new-delete for Asio's awaitable frame allocator in these
// coroutines (GCC PR 109224), as in http/api_service.cc.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/internal/param_specs.h"
#include "api/router_setup.h"
#include "auth/auth_context.h"
#include "common/log.h"
#include "datastore/datastore.h"
#include "http/blocking_pool.h"
#include "http/params.h"
#include "http/status.h"
#include "protocol/backup_protocol_handler.h"
#include "protocol/backup_session.h"
#include "protocol/reader_protocol_handler.h"
#include "protocol/reader_session.h"
#include "protocol/upgrade_checks.h"

namespace ferry::api {
namespace {

namespace asio = boost::asio;
using http::Response;
using internal::Opt;
using nlohmann::json;

constexpr std::string_view kBackupPath = "/api2/json/backup";
constexpr std::string_view kReaderPath = "/api2/json/reader";

Response text(int status, std::string message) {
  return Response::with_body(status, std::move(message), http::kTextContentType);
}

const http::ParamSchema& upgrade_schema(bool backup) {
  static const http::ParamSchema reader = http::ParamSchema()
                                              .add("store", internal::datastore_name_param())
                                              .add("ns", internal::namespace_param())
                                              .add("backup-type", internal::backup_type_param())
                                              .add("backup-id", internal::backup_id_param())
                                              .add("backup-time", internal::backup_time_param())
                                              .add("debug", internal::bool_param());
  static const http::ParamSchema writer =
      http::ParamSchema(reader).add("benchmark", internal::bool_param());
  return backup ? writer : reader;
}

// Step 1 of protocol.md §2.2: the query parameters, plus the headers the checks look at.
Result<protocol::UpgradeRequest> parse_upgrade_request(const http::Request& request, bool backup) {
  http::ParamSources sources;
  sources.query = request.query();
  auto params = http::decode_params(sources, &upgrade_schema(backup));
  if (!params) {
    return tl::unexpected(Error(Errc::InvalidArgument, http::format_param_errors(params.error())));
  }
  const json& p = *params;
  types::BackupNamespace ns;
  if (auto text = internal::opt_string(p, "ns")) {
    FERRY_TRY_ASSIGN(ns, types::BackupNamespace::parse(*text));
  }
  FERRY_TRY_ASSIGN(auto type, types::parse_backup_type(internal::req_string(p, "backup-type")));
  FERRY_TRY_ASSIGN(auto group,
                   types::BackupGroup::create(type, internal::req_string(p, "backup-id")));
  FERRY_TRY_ASSIGN(
      auto dir, types::BackupDir::create(std::move(group), *internal::opt_int(p, "backup-time")));
  protocol::UpgradeRequest req{.store = internal::req_string(p, "store"),
                               .ns = std::move(ns),
                               .dir = std::move(dir),
                               .benchmark = internal::opt_bool(p, "benchmark").value_or(false)};
  if (auto upgrade = request.headers.get("upgrade")) req.upgrade_header = std::string(*upgrade);
  req.http_major = request.version / 10;
  return req;
}

// What a successful start hands to the HTTP/2 side. The session references the datastore, so
// the session's deleter keeps the datastore alive as long as the session.
struct Started {
  std::shared_ptr<protocol::ProtocolHandler> handler;
  protocol::UpgradeFailure failure;
};

template <typename Session>
std::shared_ptr<Session> owning(std::unique_ptr<Session> session,
                                std::shared_ptr<datastore::Datastore> store) {
  return std::shared_ptr<Session>(session.release(),
                                  [store = std::move(store)](Session* s) { delete s; });
}

// Steps 2–11 (backup) / 2–7 (reader) of §2.2. Blocks (ACL config, locks, directories).
Started start_session(ApiContext& ctx, http::BlockingPool& pool, const ProtocolUpgradeOptions& opts,
                      const protocol::UpgradeRequest& req, const types::Authid& auth_id,
                      bool backup) {
  auto info = ctx.auth->user_info();
  if (!info) return {nullptr, {400, info.error().to_string()}};
  std::shared_ptr<const auth::UserInfo> user_info = std::move(*info);
  protocol::PrivilegeLookup privs = [&](std::string_view path) {
    return user_info->lookup_privs(auth_id, path);
  };
  std::shared_ptr<datastore::Datastore> store;
  protocol::DatastoreLookup lookup = [&](std::string_view name) -> Result<datastore::Datastore*> {
    FERRY_TRY_ASSIGN(store, ctx.datastores.lookup(
                                name, backup ? DatastoreOperation::Write : DatastoreOperation::Read));
    return store.get();
  };
  if (backup) {
    auto session = protocol::start_backup(req, auth_id, privs, lookup);
    if (!session) return {nullptr, std::move(session.error())};
    return {std::make_shared<protocol::BackupProtocolHandler>(
                owning(std::move(*session), std::move(store)), pool),
            {}};
  }
  auto session = protocol::start_reader(req, auth_id, privs, lookup);
  if (!session) return {nullptr, std::move(session.error())};
  return {std::make_shared<protocol::ReaderProtocolHandler>(
              owning(std::move(*session), std::move(store)), pool, opts.unauthorized_chunk_delay),
          {}};
}

asio::awaitable<void> delay(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace

asio::awaitable<Response> ProtocolUpgradeHandler::handle(http::Request request) {
  if (request.method == http::Method::Get) {
    const std::string_view path = request.path();
    if (path == kBackupPath || path == kReaderPath) {
      const bool backup = path == kBackupPath;
      co_return co_await upgrade(std::move(request), backup);
    }
  }
  co_return co_await service_->handle(std::move(request));
}

asio::awaitable<Response> ProtocolUpgradeHandler::upgrade(http::Request request, bool backup) {
  Result<std::string> who = make_error(Errc::Unauthenticated, "no authenticator configured");
  if (options_.authenticate) {
    who = co_await http::run_blocking(pool_, [&] { return options_.authenticate(request); });
  }
  Result<types::Authid> auth_id = who ? types::Authid::parse(*who) : tl::unexpected(who.error());
  if (!auth_id) {
    const int status = http::http_status(auth_id.error().code());
    if (status != 401) co_return text(status, auth_id.error().to_string());
    co_await delay(options_.auth_failure_delay);
    co_return text(401, "authentication failed - " + auth_id.error().to_string());
  }
  auto req = parse_upgrade_request(request, backup);
  if (!req) co_return text(400, req.error().to_string());
  Started started = co_await http::run_blocking(
      pool_, [&] { return start_session(ctx_, pool_, options_, *req, *auth_id, backup); });
  if (!started.handler) co_return text(started.failure.status, started.failure.message);
  spdlog::info("{} connection of {} to {}:{}/{} started", backup ? "backup" : "reader",
               auth_id->to_string(), req->store, req->ns.to_string(), req->dir.to_string());
  Response response;
  response.status = 101;
  response.headers.add("connection", "upgrade");
  response.headers.add(
      "upgrade", std::string(backup ? protocol::kBackupProtocolId : protocol::kReaderProtocolId));
  response.upgrade = std::make_shared<protocol::ProtocolUpgrade>(std::move(started.handler));
  co_return response;
}

}  // namespace ferry::api
