#include "protocol/backup_protocol_handler.h"

#include <array>
#include <string_view>

#include "common/log.h"
#include "protocol/backup_session.h"
#include "protocol/internal/endpoint_params.h"

namespace ferry::protocol {
namespace {

using http::H2Request;
using http::H2Response;
using http::ParamSchema;
using nlohmann::json;
namespace in = internal;

using Endpoint = Result<H2Response> (*)(BackupSession&, H2Request&);

const ParamSchema& empty_schema() {
  static const ParamSchema schema;
  return schema;
}

Result<H2Response> previous_backup_time(BackupSession& s, H2Request& r) {
  FERRY_TRY(in::decode_query(r, empty_schema()));
  const auto t = s.previous_backup_time();
  return in::json_response(t ? json(*t) : json(nullptr));
}

Result<H2Response> previous(BackupSession& s, H2Request& r) {
  static const ParamSchema schema = ParamSchema().add("archive-name", in::archive_name_param());
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, schema));
  FERRY_TRY_ASSIGN(Bytes data, s.download_previous(in::get_string(p, "archive-name")));
  return in::download_response(std::move(data));
}

Result<H2Response> create_dynamic(BackupSession& s, H2Request& r) {
  static const ParamSchema schema = ParamSchema().add("archive-name", in::archive_name_param());
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, schema));
  FERRY_TRY_ASSIGN(uint64_t wid, s.create_dynamic_index(in::get_string(p, "archive-name")));
  return in::json_response(wid);
}

Result<H2Response> create_fixed(BackupSession& s, H2Request& r) {
  static const ParamSchema schema = [] {
    http::ParamSpec reuse = in::digest_param();
    reuse.optional = true;
    return ParamSchema()
        .add("archive-name", in::archive_name_param())
        .add("size", in::count_or_size_param(1))
        .add("reuse-csum", reuse);
  }();
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, schema));
  std::optional<std::string> reuse;
  if (p.contains("reuse-csum")) reuse = in::get_string(p, "reuse-csum");
  FERRY_TRY_ASSIGN(uint64_t wid, s.create_fixed_index(in::get_string(p, "archive-name"),
                                                      in::get_u64(p, "size"), reuse));
  return in::json_response(wid);
}

Result<H2Response> upload_chunk(IndexKind kind, BackupSession& s, H2Request& r) {
  static const ParamSchema schema = ParamSchema()
                                        .add("wid", in::wid_param())
                                        .add("digest", in::digest_param())
                                        .add("size", in::chunk_size_param())
                                        .add("encoded-size", in::chunk_encoded_size_param());
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, schema));
  FERRY_TRY_ASSIGN(
      std::string hex,
      s.upload_chunk(kind, in::get_u64(p, "wid"), in::get_digest(p, "digest"),
                     in::get_u64(p, "size"), in::get_u64(p, "encoded-size"), std::move(r.body)));
  return in::json_response(hex);
}

Result<H2Response> append(IndexKind kind, BackupSession& s, H2Request& r) {
  static const ParamSchema schema = ParamSchema()
                                        .add("wid", in::wid_param())
                                        .add("digest-list", in::digest_list_param())
                                        .add("offset-list", in::offset_list_param());
  FERRY_TRY_ASSIGN(json p, in::decode_json_body(r, schema));
  FERRY_TRY(s.append(kind, in::get_u64(p, "wid"), in::get_digest_list(p, "digest-list"),
                     in::get_u64_list(p, "offset-list")));
  return in::json_response(nullptr);
}

Result<H2Response> close(IndexKind kind, BackupSession& s, H2Request& r) {
  // Dynamic indexes need at least one chunk and byte, fixed ones may be empty (spec §3.4.6).
  const int64_t min = kind == IndexKind::Dynamic ? 1 : 0;
  static const ParamSchema fixed = ParamSchema()
                                       .add("wid", in::wid_param())
                                       .add("chunk-count", in::count_or_size_param(0))
                                       .add("size", in::count_or_size_param(0))
                                       .add("csum", in::digest_param());
  static const ParamSchema dynamic = ParamSchema()
                                         .add("wid", in::wid_param())
                                         .add("chunk-count", in::count_or_size_param(1))
                                         .add("size", in::count_or_size_param(1))
                                         .add("csum", in::digest_param());
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, min == 0 ? fixed : dynamic));
  FERRY_TRY(s.close_index(kind, in::get_u64(p, "wid"), in::get_u64(p, "chunk-count"),
                          in::get_u64(p, "size"), in::get_digest(p, "csum")));
  return in::json_response(nullptr);
}

Result<H2Response> blob(BackupSession& s, H2Request& r) {
  static const ParamSchema schema = ParamSchema()
                                        .add("file-name", in::archive_name_param())
                                        .add("encoded-size", in::blob_encoded_size_param());
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, schema));
  FERRY_TRY(s.upload_blob(in::get_string(p, "file-name"), in::get_u64(p, "encoded-size"),
                          std::move(r.body)));
  return in::json_response(nullptr);
}

Result<H2Response> finish(BackupSession& s, H2Request& r) {
  FERRY_TRY(in::decode_query(r, empty_schema()));
  FERRY_TRY(s.finish());
  return in::json_response(nullptr);
}

Result<H2Response> speedtest(BackupSession&, H2Request& r) {
  // PBS-compat: the upload body is read and discarded; no parameters.
  FERRY_TRY(in::decode_query(r, empty_schema()));
  return in::json_response(nullptr);
}

struct Route {
  std::string_view method;
  std::string_view path;
  Endpoint endpoint;
};

constexpr std::array kRoutes{
    Route{"GET", "previous_backup_time", previous_backup_time},
    Route{"GET", "previous", previous},
    Route{"POST", "dynamic_index", create_dynamic},
    Route{"POST", "fixed_index", create_fixed},
    Route{"POST", "dynamic_chunk",
          [](BackupSession& s, H2Request& r) { return upload_chunk(IndexKind::Dynamic, s, r); }},
    Route{"POST", "fixed_chunk",
          [](BackupSession& s, H2Request& r) { return upload_chunk(IndexKind::Fixed, s, r); }},
    Route{"PUT", "dynamic_index",
          [](BackupSession& s, H2Request& r) { return append(IndexKind::Dynamic, s, r); }},
    Route{"PUT", "fixed_index",
          [](BackupSession& s, H2Request& r) { return append(IndexKind::Fixed, s, r); }},
    Route{"POST", "dynamic_close",
          [](BackupSession& s, H2Request& r) { return close(IndexKind::Dynamic, s, r); }},
    Route{"POST", "fixed_close",
          [](BackupSession& s, H2Request& r) { return close(IndexKind::Fixed, s, r); }},
    Route{"POST", "blob", blob},
    Route{"POST", "finish", finish},
    Route{"POST", "speedtest", speedtest},
};

// GET / lists the endpoints in PBS's (alphabetical) order.
constexpr std::array<std::string_view, 11> kListing{
    "blob",     "dynamic_chunk",        "dynamic_close", "dynamic_index",
    "finish",   "fixed_chunk",          "fixed_close",   "fixed_index",
    "previous", "previous_backup_time", "speedtest"};

}  // namespace

H2Response BackupProtocolHandler::dispatch(BackupSession& session, H2Request request) {
  const std::string path = in::normalize_path(request.path);
  if (path.empty() && request.method == "GET") {
    return in::endpoint_listing({kListing.begin(), kListing.end()});
  }
  for (const Route& route : kRoutes) {
    if (route.path != path || route.method != request.method) continue;
    auto response = route.endpoint(session, request);
    return response ? std::move(*response) : in::error_response(response.error());
  }
  return in::path_not_found(path);
}

boost::asio::awaitable<H2Response> BackupProtocolHandler::handle(H2Request request) {
  // Copied on the session's executor: connection_ended may reset session_ meanwhile.
  std::shared_ptr<BackupSession> session = session_;
  if (!session) {
    co_return in::error_response(Error(Errc::Cancelled, "backup connection already closed"));
  }
  co_return co_await http::run_blocking(pool_,
                                        [&] { return dispatch(*session, std::move(request)); });
}

boost::asio::awaitable<void> BackupProtocolHandler::connection_ended() {
  std::shared_ptr<BackupSession> session = std::move(session_);
  if (!session) co_return;
  const bool finished = co_await http::run_blocking(pool_, [&] {
    session->end();
    return session->finished();
  });
  spdlog::info("backup connection ended: {}",
               finished ? "snapshot finished" : "not finished, snapshot removed");
}

}  // namespace ferry::protocol
