#include "jobs/internal/sqlite.h"

#include <sqlite3.h>

#include <utility>

#include "common/check.h"

namespace ferry::jobs::internal {
namespace {

tl::unexpected<Error> sqlite_error(sqlite3* db, int rc, std::string_view op) {
  Errc code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? Errc::Unavailable : Errc::Io;
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return tl::unexpected(Error(code, fmt::format("sqlite {}: {}", op, msg)));
}

// Busy handler wait: the index is shared with short writers (other Ferry processes).
constexpr int kBusyTimeoutMs = 10000;

}  // namespace

Statement::Statement(Statement&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), stmt_(std::exchange(o.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(o.db_, nullptr);
    stmt_ = std::exchange(o.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, int64_t value) {
  FERRY_CHECK(sqlite3_bind_int64(stmt_, index, value) == SQLITE_OK, "sqlite bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  FERRY_CHECK(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                  SQLITE_UTF8) == SQLITE_OK,
              "sqlite bind");
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  FERRY_CHECK(sqlite3_bind_null(stmt_, index) == SQLITE_OK, "sqlite bind");
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, rc, "step");
}

Status Statement::run() {
  FERRY_TRY_ASSIGN(bool row, step());
  (void)row;
  return ok();
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), size_t(n));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

Result<Database> Database::open(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database out(db);  // closes `db` on every path, also when open failed
  if (rc != SQLITE_OK) {
    return with_context(Result<Database>(sqlite_error(db, rc, "open")), "open task index '{}'",
                        path.string());
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // WAL: readers (API requests) never block the writer that records a task's end.
  FERRY_TRY(out.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  return out;
}

Database::Database(Database&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}

Database::~Database() { sqlite3_close_v2(db_); }

Status Database::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "exec");
  return ok();
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), int(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "prepare");
  return Statement(db_, stmt);
}

}  // namespace ferry::jobs::internal
