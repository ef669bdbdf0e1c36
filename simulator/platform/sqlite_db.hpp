#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements that reset
// themselves, and errors (StoreError) that name the database file and the statement.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "simulator/platform/store_error.hpp"

namespace gaterig::platform {

class Statement;

class Db {
 public:
  // Opens (creating if asked) the file; throws StoreError naming it.
  Db(const std::filesystem::path& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);  // one or more statements without results
  Statement prepare(std::string_view sql);
  std::int64_t last_insert_id() const;
  int changes() const;
  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }
  // "store /x/y.db: <what>: <sqlite message>"
  [[noreturn]] void fail(std::string_view what, int rc) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

// A prepared statement, reset after each use. Bind indices are 1-based as in SQLite.
class Statement {
 public:
  Statement(Db& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, const char* text) { return bind(i, std::string_view(text)); }
  Statement& bind(int i, const std::string& text) { return bind(i, std::string_view(text)); }
  Statement& bind_blob(int i, std::string_view bytes);
  Statement& bind_null(int i);
  Statement& bind(int i, const std::optional<double>& v) { return v ? bind(i, *v) : bind_null(i); }

  bool step();  // true while a row is available; throws StoreError on failure
  void run();   // step to completion, then reset
  void reset();

  std::int64_t int64(int col) const;
  double real(int col) const;
  std::optional<double> opt_real(int col) const;
  std::string text(int col) const;  // also blobs, byte-exact
  bool is_null(int col) const;

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace gaterig::platform
