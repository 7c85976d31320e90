#include "protocol/reader_protocol_handler.h"

#include <array>
#include <string_view>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"
#include "protocol/internal/endpoint_params.h"
#include "protocol/reader_session.h"

namespace ferry::protocol {
namespace {

using http::H2Request;
using http::H2Response;
using http::ParamSchema;
using nlohmann::json;
namespace in = internal;

Result<H2Response> download(ReaderSession& s, const H2Request& r) {
  static const ParamSchema schema = ParamSchema().add("file-name", in::archive_name_param());
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, schema));
  FERRY_TRY_ASSIGN(Bytes data, s.download(in::get_string(p, "file-name")));
  return in::download_response(std::move(data));
}

Result<H2Response> chunk(ReaderSession& s, const H2Request& r) {
  static const ParamSchema schema = ParamSchema().add("digest", in::digest_param());
  FERRY_TRY_ASSIGN(json p, in::decode_query(r, schema));
  const Digest digest = in::get_digest(p, "digest");
  auto data = s.chunk(digest);
  if (!data) {
    if (data.error().code() == Errc::Unauthenticated) spdlog::warn("{}", data.error().to_string());
    return tl::unexpected(std::move(data.error()));
  }
  return in::download_response(std::move(*data));
}

Result<H2Response> speedtest(ReaderSession&, const H2Request& r) {
  static const ParamSchema schema;
  FERRY_TRY(in::decode_query(r, schema));
  return in::download_response(ReaderSession::speedtest_payload());
}

struct Route {
  std::string_view path;
  Result<H2Response> (*endpoint)(ReaderSession&, const H2Request&);
};

// Alphabetical, as GET / lists them.
constexpr std::array kRoutes{Route{"chunk", chunk}, Route{"download", download},
                             Route{"speedtest", speedtest}};

}  // namespace

H2Response ReaderProtocolHandler::dispatch(ReaderSession& session, const H2Request& request) {
  const std::string path = in::normalize_path(request.path);
  if (request.method == "GET") {
    if (path.empty()) {
      std::vector<std::string_view> names;
      for (const Route& route : kRoutes) names.push_back(route.path);
      return in::endpoint_listing(names);
    }
    for (const Route& route : kRoutes) {
      if (route.path != path) continue;
      auto response = route.endpoint(session, request);
      return response ? std::move(*response) : in::error_response(response.error());
    }
  }
  return in::path_not_found(path);
}

boost::asio::awaitable<H2Response> ReaderProtocolHandler::handle(H2Request request) {
  // Copied on the session's executor: connection_ended may reset session_ meanwhile.
  std::shared_ptr<ReaderSession> session = session_;
  if (!session) {
    co_return in::error_response(Error(Errc::Cancelled, "reader connection already closed"));
  }
  H2Response response =
      co_await http::run_blocking(pool_, [&] { return dispatch(*session, request); });
  session.reset();  // do not keep the snapshot lock during the delay
  if (response.status == 401 && unauthorized_delay_.count() > 0) {
    // PBS-compat: 401 answers are delayed (~3 s) to slow down guessing (protocol.md §3.2).
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, unauthorized_delay_);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return response;
}

boost::asio::awaitable<void> ReaderProtocolHandler::connection_ended() {
  std::shared_ptr<ReaderSession> session = std::move(session_);
  if (!session) co_return;
  // Releasing the last reference unlocks the snapshot (file I/O): do it on the pool.
  co_await http::run_blocking(pool_, [&] { session.reset(); });
}

}  // namespace ferry::protocol
