#include "reports/report/canonical_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace gaterig::report {
namespace {

constexpr double kMaxSafeInteger = 9007199254740992.0;  // 2^53: integers above lose precision in doubles

// Checks UTF-8 well-formedness (no overlongs, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void write_string(std::string& out, std::string_view s, const std::string& path) {
  if (!valid_utf8(s)) throw CanonicalJsonError("canonical JSON: invalid UTF-8 in the string at " + path);
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void write(std::string& out, const Json& v, const std::string& path) {
  switch (v.type()) {
    case Json::value_t::null: out += "null"; return;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case Json::value_t::string: write_string(out, v.get_ref<const std::string&>(), path); return;
    case Json::value_t::number_integer: {
      const auto n = v.get<std::int64_t>();
      if (std::abs(static_cast<double>(n)) > kMaxSafeInteger)
        throw CanonicalJsonError("canonical JSON: integer beyond 2^53 at " + path);
      out += std::to_string(n);
      return;
    }
    case Json::value_t::number_unsigned: {
      const auto n = v.get<std::uint64_t>();
      if (static_cast<double>(n) > kMaxSafeInteger) throw CanonicalJsonError("canonical JSON: integer beyond 2^53 at " + path);
      out += std::to_string(n);
      return;
    }
    case Json::value_t::number_float: {
      const double d = v.get<double>();
      if (!std::isfinite(d)) throw CanonicalJsonError("canonical JSON: a number that is not finite at " + path);
      out += canonical_number(d);
      return;
    }
    case Json::value_t::array: {
      out += '[';
      std::size_t i = 0;
      for (const auto& e : v) {
        if (i) out += ',';
        write(out, e, path + "[" + std::to_string(i) + "]");
        ++i;
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      // nlohmann's object is a std::map<std::string, ...>: iteration is in byte order of the keys
      // (char_traits<char> compares as unsigned char).
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) out += ',';
        first = false;
        write_string(out, k, path);
        out += ':';
        write(out, e, path + "." + k);
      }
      out += '}';
      return;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  throw CanonicalJsonError("canonical JSON: a value of no JSON type at " + path);
}

}  // namespace

std::string canonical_number(double d) {
  if (!std::isfinite(d)) throw CanonicalJsonError("canonical JSON: a number that is not finite");
  if (d == 0.0) return "0";  // also -0
  if (std::trunc(d) == d && std::abs(d) < 1e21) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  // Shortest round-trip digits and the decimal exponent, then ECMAScript Number::toString layout:
  // fixed notation for 1e-6 <= |d| < 1e21, otherwise d.ddde±x.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  if (res.ec != std::errc()) throw CanonicalJsonError("canonical JSON: cannot format a number");
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci[0] == '-') { sign = "-"; sci.erase(0, 1); }
  const auto e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exp10 = std::atoi(sci.c_str() + e + 1);  // d = 0.digits * 10^(exp10 + 1)
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(-n, '0') + digits;
  } else {
    out = digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += "e";
    out += (n - 1 >= 0) ? "+" : "-";
    out += std::to_string(std::abs(n - 1));
  }
  return sign + out;
}

std::string canonical_json(const Json& value) {
  std::string out;
  write(out, value, "$");
  return out;
}

Json parse_canonical(std::string_view text, std::string_view what) {
  Json v;
  try {
    v = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw CanonicalJsonError(std::string(what) + ": not JSON (" + e.what() + ")");
  }
  const std::string again = canonical_json(v);
  if (again != text) {
    std::size_t at = 0;
    while (at < again.size() && at < text.size() && again[at] == text[at]) ++at;
    throw CanonicalJsonError(std::string(what) + ": not in canonical form (first difference at byte " +
                             std::to_string(at) + ")");
  }
  return v;
}

}  // namespace gaterig::report
