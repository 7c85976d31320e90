#include "client/backup_reader_client.h"

#include <utility>

#include "client/internal/protocol_calls.h"
#include "client/internal/url.h"

namespace ferry::client {

namespace {

using internal::QueryBuilder;

// The upgrade query in the PBS client's (alphabetical) order, protocol.md §2.1.
std::string upgrade_query(const BackupReaderParams& p) {
  QueryBuilder q;
  q.add("backup-id", p.snapshot.group().id());
  q.add("backup-time", int64_t{p.snapshot.time()});
  q.add("backup-type", types::to_string(p.snapshot.group().type()));
  q.add("debug", p.debug);
  if (!p.ns.is_root()) q.add("ns", p.ns.to_string());
  q.add("store", p.store);
  return q.str();
}

http::H2Request download_request(std::string_view file_name) {
  return internal::form_request("GET", "/download",
                                QueryBuilder().add("file-name", file_name).str());
}

http::H2Request chunk_request(const Digest& digest) {
  return internal::form_request("GET", "/chunk",
                                QueryBuilder().add("digest", digest.to_hex()).str());
}

}  // namespace

BackupReaderClient::BackupReaderClient(std::unique_ptr<internal::ProtocolSession> session)
    : session_(std::move(session)) {}

BackupReaderClient::~BackupReaderClient() { (void)close(); }

Result<std::unique_ptr<BackupReaderClient>> BackupReaderClient::start(
    HttpClient& client, const BackupReaderParams& params) {
  FERRY_TRY_ASSIGN(auto session, client.start_h2("/api2/json/reader", upgrade_query(params),
                                                 kReaderProtocolId, params.start));
  auto ps = std::make_unique<internal::ProtocolSession>(client.io_thread(), std::move(session));
  return std::unique_ptr<BackupReaderClient>(new BackupReaderClient(std::move(ps)));
}

Result<Bytes> BackupReaderClient::download(std::string_view file_name) {
  return session_->run(internal::call_download(session_->session(), download_request(file_name)));
}

std::future<Result<Bytes>> BackupReaderClient::download_async(std::string_view file_name) {
  return session_->spawn(internal::call_download(session_->session(), download_request(file_name)));
}

Result<Bytes> BackupReaderClient::download_chunk(const Digest& digest) {
  return session_->run(internal::call_download(session_->session(), chunk_request(digest)));
}

std::future<Result<Bytes>> BackupReaderClient::download_chunk_async(const Digest& digest) {
  return session_->spawn(internal::call_download(session_->session(), chunk_request(digest)));
}

Result<Bytes> BackupReaderClient::speedtest() {
  return session_->run(internal::call_download(session_->session(),
                                               internal::form_request("GET", "/speedtest", "")));
}

Status BackupReaderClient::close() { return session_ ? session_->close() : ok(); }

}  // namespace ferry::client
