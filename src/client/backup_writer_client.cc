#include "client/backup_writer_client.h"

#include <utility>

#include "client/internal/protocol_calls.h"
#include "client/internal/url.h"

namespace ferry::client {

namespace {

namespace asio = boost::asio;
using internal::QueryBuilder;

std::string_view kind_prefix(IndexKind kind) {
  return kind == IndexKind::Fixed ? "fixed" : "dynamic";
}

// The upgrade query in the PBS client's (alphabetical) order, protocol.md §2.1.
std::string upgrade_query(const BackupWriterParams& p) {
  QueryBuilder q;
  q.add("backup-id", p.snapshot.group().id());
  q.add("backup-time", int64_t{p.snapshot.time()});
  q.add("backup-type", types::to_string(p.snapshot.group().type()));
  q.add("benchmark", p.benchmark);
  q.add("debug", p.debug);
  if (p.no_cache) q.add("no-cache", true);
  if (!p.ns.is_root()) q.add("ns", p.ns.to_string());
  q.add("store", p.store);
  return q.str();
}

http::H2Request chunk_request(IndexKind kind, uint64_t wid, const Digest& digest, uint64_t size,
                              Bytes encoded) {
  QueryBuilder q;
  q.add("wid", wid).add("digest", digest.to_hex()).add("size", size);
  q.add("encoded-size", uint64_t{encoded.size()});
  return internal::upload_request(fmt::format("/{}_chunk", kind_prefix(kind)), q.str(),
                                  std::move(encoded));
}

asio::awaitable<Result<Digest>> upload_chunk_op(std::shared_ptr<http::H2ClientSession> session,
                                                http::H2Request request, Digest digest) {
  FERRY_CO_TRY_ASSIGN(nlohmann::json data,
                      co_await internal::call_json(std::move(session), std::move(request)));
  if (!data.is_string()) {
    co_return make_error(Errc::Corruption, "chunk upload: expected a digest, got {}",
                         data.type_name());
  }
  FERRY_CO_TRY_ASSIGN(Digest stored, Digest::from_hex(data.get<std::string>()));
  if (stored != digest) {
    co_return make_error(Errc::Corruption, "chunk upload: server stored {} for chunk {}",
                         stored.to_hex(), digest.to_hex());
  }
  co_return stored;
}

asio::awaitable<Result<std::optional<int64_t>>> previous_time_op(
    std::shared_ptr<http::H2ClientSession> session) {
  FERRY_CO_TRY_ASSIGN(
      nlohmann::json data,
      co_await internal::call_json(std::move(session),
                                   internal::form_request("GET", "/previous_backup_time", "")));
  if (data.is_null()) co_return std::optional<int64_t>();
  if (!data.is_number_integer()) {
    co_return make_error(Errc::Corruption, "previous_backup_time: expected an integer, got {}",
                         data.type_name());
  }
  co_return std::optional<int64_t>(data.get<int64_t>());
}

asio::awaitable<Result<uint64_t>> create_index_op(std::shared_ptr<http::H2ClientSession> session,
                                                  http::H2Request request) {
  FERRY_CO_TRY_ASSIGN(nlohmann::json data,
                      co_await internal::call_json(std::move(session), std::move(request)));
  if (!data.is_number_unsigned()) {
    co_return make_error(Errc::Corruption, "index creation: expected a writer id, got {}",
                         data.type_name());
  }
  co_return data.get<uint64_t>();
}

// For endpoints whose `data` is null: success is all that counts.
asio::awaitable<Result<bool>> void_op(std::shared_ptr<http::H2ClientSession> session,
                                      http::H2Request request) {
  FERRY_CO_TRY(co_await internal::call_json(std::move(session), std::move(request)));
  co_return true;
}

Status to_status(Result<bool> r) {
  if (!r) return tl::unexpected(std::move(r).error());
  return ok();
}

}  // namespace

BackupWriterClient::BackupWriterClient(std::unique_ptr<internal::ProtocolSession> session)
    : session_(std::move(session)) {}

BackupWriterClient::~BackupWriterClient() { (void)close(); }

Result<std::unique_ptr<BackupWriterClient>> BackupWriterClient::start(
    HttpClient& client, const BackupWriterParams& params) {
  FERRY_TRY_ASSIGN(auto session, client.start_h2("/api2/json/backup", upgrade_query(params),
                                                 kBackupProtocolId, params.start));
  auto ps = std::make_unique<internal::ProtocolSession>(client.io_thread(), std::move(session));
  return std::unique_ptr<BackupWriterClient>(new BackupWriterClient(std::move(ps)));
}

Result<std::optional<int64_t>> BackupWriterClient::previous_backup_time() {
  return session_->run(previous_time_op(session_->session()));
}

Result<Bytes> BackupWriterClient::download_previous(std::string_view archive_name) {
  auto request = internal::form_request("GET", "/previous",
                                        QueryBuilder().add("archive-name", archive_name).str());
  return session_->run(internal::call_download(session_->session(), std::move(request)));
}

Result<uint64_t> BackupWriterClient::create_dynamic_index(std::string_view archive_name) {
  auto request = internal::form_request("POST", "/dynamic_index",
                                        QueryBuilder().add("archive-name", archive_name).str());
  return session_->run(create_index_op(session_->session(), std::move(request)));
}

Result<uint64_t> BackupWriterClient::create_fixed_index(std::string_view archive_name,
                                                        uint64_t size,
                                                        std::optional<std::string> reuse_csum) {
  QueryBuilder q;
  q.add("archive-name", archive_name).add("size", size);
  if (reuse_csum) q.add("reuse-csum", *reuse_csum);
  auto request = internal::form_request("POST", "/fixed_index", q.str());
  return session_->run(create_index_op(session_->session(), std::move(request)));
}

std::future<Result<Digest>> BackupWriterClient::upload_chunk_async(IndexKind kind, uint64_t wid,
                                                                   const Digest& digest,
                                                                   uint64_t size, Bytes encoded) {
  auto request = chunk_request(kind, wid, digest, size, std::move(encoded));
  return session_->spawn(upload_chunk_op(session_->session(), std::move(request), digest));
}

Result<Digest> BackupWriterClient::upload_chunk(IndexKind kind, uint64_t wid, const Digest& digest,
                                                uint64_t size, Bytes encoded) {
  auto request = chunk_request(kind, wid, digest, size, std::move(encoded));
  return session_->run(upload_chunk_op(session_->session(), std::move(request), digest));
}

Status BackupWriterClient::append(IndexKind kind, uint64_t wid, std::span<const Digest> digests,
                                  std::span<const uint64_t> offsets) {
  if (digests.size() != offsets.size()) {
    return make_error(Errc::InvalidArgument, "append to writer {}: {} digests but {} offsets", wid,
                      digests.size(), offsets.size());
  }
  nlohmann::json digest_list = nlohmann::json::array();
  for (const Digest& d : digests) digest_list.push_back(d.to_hex());
  nlohmann::json body{{"wid", wid},
                      {"digest-list", std::move(digest_list)},
                      {"offset-list", std::vector<uint64_t>(offsets.begin(), offsets.end())}};
  auto request = internal::json_request("PUT", fmt::format("/{}_index", kind_prefix(kind)), body);
  return to_status(session_->run(void_op(session_->session(), std::move(request))));
}

Status BackupWriterClient::close_index(IndexKind kind, uint64_t wid, uint64_t chunk_count,
                                       uint64_t size, const Digest& csum) {
  QueryBuilder q;
  q.add("wid", wid).add("chunk-count", chunk_count).add("size", size).add("csum", csum.to_hex());
  auto request =
      internal::form_request("POST", fmt::format("/{}_close", kind_prefix(kind)), q.str());
  return to_status(session_->run(void_op(session_->session(), std::move(request))));
}

Status BackupWriterClient::upload_blob(std::string_view file_name, Bytes encoded) {
  QueryBuilder q;
  q.add("file-name", file_name).add("encoded-size", uint64_t{encoded.size()});
  auto request = internal::upload_request("/blob", q.str(), std::move(encoded));
  return to_status(session_->run(void_op(session_->session(), std::move(request))));
}

Status BackupWriterClient::finish() {
  auto request = internal::form_request("POST", "/finish", "");
  return to_status(session_->run(void_op(session_->session(), std::move(request))));
}

Status BackupWriterClient::speedtest(Bytes data) {
  auto request = internal::upload_request("/speedtest", "", std::move(data));
  return to_status(session_->run(void_op(session_->session(), std::move(request))));
}

Status BackupWriterClient::close() { return session_ ? session_->close() : ok(); }

}  // namespace ferry::client
