#include "client/internal/protocol_calls.h"

#include <utility>

#include "client/internal/envelope.h"

namespace ferry::client::internal {

namespace {
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
}  // namespace

http::H2Request form_request(std::string_view method, std::string_view path, std::string query) {
  http::H2Request r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  r.headers.push_back({"content-type", std::string(kFormType)});
  return r;
}

http::H2Request upload_request(std::string_view path, std::string query, Bytes body) {
  http::H2Request r;
  r.method = "POST";
  r.path = path;
  r.query = std::move(query);
  r.headers.push_back({"content-type", "application/octet-stream"});
  r.body = std::move(body);
  return r;
}

http::H2Request json_request(std::string_view method, std::string_view path,
                             const nlohmann::json& body) {
  http::H2Request r;
  r.method = method;
  r.path = path;
  r.headers.push_back({"content-type", "application/json"});
  std::string text = body.dump();
  r.body.assign(text.begin(), text.end());
  return r;
}

std::string describe(const http::H2Request& request) { return request.method + " " + request.path; }

boost::asio::awaitable<Result<nlohmann::json>> call_json(
    std::shared_ptr<http::H2ClientSession> session, http::H2Request request) {
  std::string what = describe(request);
  if (request.query.size() > kMaxQueryLength) {
    co_return make_error(Errc::InvalidArgument, "{}: query longer than {} bytes", what,
                         kMaxQueryLength);
  }
  FERRY_CO_TRY_ASSIGN(http::H2Response response, co_await session->request(std::move(request)));
  co_return envelope_data(response.status, as_chars(response.body), what);
}

boost::asio::awaitable<Result<Bytes>> call_download(std::shared_ptr<http::H2ClientSession> session,
                                                    http::H2Request request) {
  std::string what = describe(request);
  if (request.query.size() > kMaxQueryLength) {
    co_return make_error(Errc::InvalidArgument, "{}: query longer than {} bytes", what,
                         kMaxQueryLength);
  }
  FERRY_CO_TRY_ASSIGN(http::H2Response response, co_await session->request(std::move(request)));
  if (response.status != 200) {
    co_return tl::unexpected(status_error(response.status, as_chars(response.body), what));
  }
  co_return std::move(response.body);
}

Status ProtocolSession::close() {
  if (closed_) return ok();
  closed_ = true;
  session_->shutdown();
  Status st = session_->wait_closed();
  // A connection that was already gone (server closed it after /finish) is not a failure of
  // the close itself.
  if (!st && st.error().code() == Errc::Cancelled) return ok();
  return st;
}

}  // namespace ferry::client::internal
