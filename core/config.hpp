#pragma once
// TOML configuration with errors that name the file, the line and the key, e.g.
//   rigs/sim.toml:12: key 'platform.port': expected an integer, found a string
// A Config is a view on one table of a parsed document; copies share the document.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gaterig {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, std::string key, const std::string& what);
  const std::string& file() const { return file_; }
  int line() const { return line_; }  // 0 when unknown
  const std::string& key() const { return key_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
};

class Config {
 public:
  static Config load_file(const std::filesystem::path& path);
  static Config parse(std::string_view text, std::string source_name = "<string>");
  Config();  // an empty table

  // Keys may be dotted ("platform.port"); they are relative to this table.
  bool has(std::string_view key) const;
  std::string get_string(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;  // accepts integers too
  bool get_bool(std::string_view key) const;
  std::vector<std::string> get_strings(std::string_view key) const;
  std::vector<std::int64_t> get_ints(std::string_view key) const;

  std::string get_string(std::string_view key, std::string fallback) const;
  std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
  double get_double(std::string_view key, double fallback) const;
  bool get_bool(std::string_view key, bool fallback) const;

  Config table(std::string_view key) const;                  // throws if absent or not a table
  std::optional<Config> find_table(std::string_view key) const;
  std::vector<Config> tables(std::string_view key) const;    // an array of tables ([[x]])
  std::vector<std::string> keys() const;                     // direct children, in order

  // Throws ConfigError naming the first key of this table that is not in `known`, so a typo
  // ("prot = 8080") is an error instead of a silently ignored setting.
  void reject_unknown(const std::vector<std::string_view>& known) const;

  // A ConfigError for `key` in this table, with its location, for checks done by the caller
  // ("port must be 1..65535").
  [[noreturn]] void fail(std::string_view key, const std::string& what) const;

  const std::string& source() const;  // file name
  std::string path() const;           // dotted path of this table in the document ("" = root)
  std::filesystem::path resolve(std::string_view relative) const;  // against the file's folder

  struct Doc;
 private:
  Config(std::shared_ptr<const Doc> doc, const void* table, std::string path);
  std::shared_ptr<const Doc> doc_;
  const void* table_;  // toml::table*, kept opaque so toml++ stays in one translation unit
  std::string path_;
};

}  // namespace gaterig
