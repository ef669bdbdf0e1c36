#include "core/config.hpp"

#include <sstream>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

namespace gaterig {

struct Config::Doc {
  std::string source;
  toml::table root;
};

namespace {
const toml::table& tab(const void* p) { return *static_cast<const toml::table*>(p); }

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }
}  // namespace

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& what)
    : std::runtime_error([&] {
        std::ostringstream os;
        os << file;
        if (line > 0) os << ":" << line;
        os << ": ";
        if (!key.empty()) os << "key '" << key << "': ";
        os << what;
        return os.str();
      }()),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

Config::Config() : Config(std::make_shared<Doc>(), nullptr, "") {
  table_ = &doc_->root;
}

Config::Config(std::shared_ptr<const Doc> doc, const void* table, std::string path)
    : doc_(std::move(doc)), table_(table), path_(std::move(path)) {}

Config Config::parse(std::string_view text, std::string source_name) {
  auto doc = std::make_shared<Doc>();
  doc->source = source_name;
  try {
    doc->root = toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    throw ConfigError(source_name, static_cast<int>(e.source().begin.line), "",
                      std::string(e.description()));
  }
  const void* root = &doc->root;
  return Config(std::move(doc), root, "");
}

Config Config::load_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ConfigError(path.string(), 0, "", "no such file");
  auto doc = std::make_shared<Doc>();
  doc->source = path.string();
  try {
    doc->root = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw ConfigError(path.string(), static_cast<int>(e.source().begin.line), "",
                      std::string(e.description()));
  }
  const void* root = &doc->root;
  return Config(std::move(doc), root, "");
}

namespace {
const toml::node* find(const toml::table& t, std::string_view key) {
  return t.at_path(key).node();
}
}  // namespace

bool Config::has(std::string_view key) const { return find(tab(table_), key) != nullptr; }

void Config::fail(std::string_view key, const std::string& what) const {
  const toml::node* n = find(tab(table_), key);
  const int line = n ? line_of(*n) : line_of(tab(table_));
  throw ConfigError(doc_->source, line, join(path_, key), what);
}

namespace {
template <typename T>
T typed(const Config& c, const toml::table& t, std::string_view key, const char* expected) {
  const toml::node* n = find(t, key);
  if (!n) c.fail(key, std::string("missing; expected ") + expected);
  if constexpr (std::is_same_v<T, double>) {
    if (auto v = n->value<double>()) return *v;  // toml++ converts integers to double here
  } else {
    if (auto v = n->value_exact<T>()) return *v;
  }
  c.fail(key, std::string("expected ") + expected + ", found " + type_name(*n));
}

template <typename T>
std::vector<T> typed_array(const Config& c, const toml::table& t, std::string_view key,
                           const char* expected) {
  const toml::node* n = find(t, key);
  if (!n) c.fail(key, std::string("missing; expected an array of ") + expected);
  const toml::array* a = n->as_array();
  if (!a) c.fail(key, std::string("expected an array of ") + expected + ", found " + type_name(*n));
  std::vector<T> out;
  std::size_t i = 0;
  for (const auto& el : *a) {
    auto v = el.value_exact<T>();
    if (!v)
      c.fail(key, "element " + std::to_string(i) + ": expected " + expected + ", found " +
                      type_name(el));
    out.push_back(*v);
    ++i;
  }
  return out;
}
}  // namespace

std::string Config::get_string(std::string_view key) const {
  return typed<std::string>(*this, tab(table_), key, "a string");
}
std::int64_t Config::get_int(std::string_view key) const {
  return typed<std::int64_t>(*this, tab(table_), key, "an integer");
}
double Config::get_double(std::string_view key) const {
  return typed<double>(*this, tab(table_), key, "a number");
}
bool Config::get_bool(std::string_view key) const {
  return typed<bool>(*this, tab(table_), key, "a boolean");
}
std::vector<std::string> Config::get_strings(std::string_view key) const {
  return typed_array<std::string>(*this, tab(table_), key, "strings");
}
std::vector<std::int64_t> Config::get_ints(std::string_view key) const {
  return typed_array<std::int64_t>(*this, tab(table_), key, "integers");
}
std::string Config::get_string(std::string_view key, std::string fallback) const {
  return has(key) ? get_string(key) : fallback;
}
std::int64_t Config::get_int(std::string_view key, std::int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}
double Config::get_double(std::string_view key, double fallback) const {
  return has(key) ? get_double(key) : fallback;
}
bool Config::get_bool(std::string_view key, bool fallback) const {
  return has(key) ? get_bool(key) : fallback;
}

std::optional<Config> Config::find_table(std::string_view key) const {
  const toml::node* n = find(tab(table_), key);
  if (!n) return std::nullopt;
  const toml::table* t = n->as_table();
  if (!t) fail(key, std::string("expected a table, found ") + type_name(*n));
  return Config(doc_, t, join(path_, key));
}

Config Config::table(std::string_view key) const {
  auto t = find_table(key);
  if (!t) fail(key, "missing; expected a table");
  return *t;
}

std::vector<Config> Config::tables(std::string_view key) const {
  std::vector<Config> out;
  const toml::node* n = find(tab(table_), key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(key, std::string("expected an array of tables, found ") + type_name(*n));
  std::size_t i = 0;
  for (const auto& el : *a) {
    const toml::table* t = el.as_table();
    if (!t) fail(key, "element " + std::to_string(i) + ": expected a table, found " + type_name(el));
    out.push_back(Config(doc_, t, join(path_, key) + "[" + std::to_string(i) + "]"));
    ++i;
  }
  return out;
}

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : tab(table_)) out.emplace_back(k.str());
  return out;
}

void Config::reject_unknown(const std::vector<std::string_view>& known) const {
  for (const auto& [k, v] : tab(table_)) {
    bool ok = false;
    for (auto kn : known) ok = ok || kn == k.str();
    if (!ok) {
      std::string list;
      for (auto kn : known) list += (list.empty() ? "" : ", ") + std::string(kn);
      throw ConfigError(doc_->source, line_of(v), join(path_, k.str()),
                        "unknown key (known here: " + list + ")");
    }
  }
}

const std::string& Config::source() const { return doc_->source; }
std::string Config::path() const { return path_; }

std::filesystem::path Config::resolve(std::string_view relative) const {
  std::filesystem::path p(relative);
  if (p.is_absolute() || doc_->source.empty() || doc_->source.front() == '<') return p;
  return std::filesystem::path(doc_->source).parent_path() / p;
}

}  // namespace gaterig
