// ferry::jobs::internal — a minimal RAII wrapper of the SQLite C API, just enough for the task
// index (task_index.h): open with WAL, exec, prepared statements with positional binds.
//
// Errors are Errc::Io with SQLite's message ("sqlite <op>: <errmsg>"); SQLITE_BUSY after the
// busy timeout is Errc::Unavailable. A Db and its statements are used by one thread at a time
// (the caller's mutex); SQLite itself is opened in multi-thread mode.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ferry::jobs::internal {

class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds parameter `index` (1-based). Binding never fails for valid indexes (CHECKed).
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_optional(int index, const std::optional<std::string>& value);
  Statement& bind_null(int index);

  // Advances: true while a row is available, false when done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();

  bool is_null(int column) const;
  int64_t int64(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<int64_t> optional_int64(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating if missing) the database at `path` in WAL mode with a busy timeout.
  // Errors: Io.
  static Result<Database> open(const std::filesystem::path& path);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Executes one or more statements without results.
  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace ferry::jobs::internal
