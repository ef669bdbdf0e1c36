#include "simulator/platform/validation.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/crypto.hpp"
#include "core/resident_id.hpp"

namespace gaterig::platform {
namespace {

struct IdCardType {
  std::string_view code, name;
};
constexpr std::array<IdCardType, 26> kIdCardTypes{{
    {"01", "resident ID card"},
    {"02", "military officer certificate"},
    {"03", "armed police officer certificate"},
    {"04", "soldier certificate"},
    {"05", "retired military cadre certificate"},
    {"06", "disability certificate"},
    {"07", "disabled soldier certificate"},
    {"08", "passport"},
    {"09", "Hong Kong/Macao home-return permit"},
    {"10", "Hong Kong/Macao residents' mainland travel permit"},
    {"11", "mainland residents' Hong Kong/Macao travel permit"},
    {"12", "Taiwan residents' mainland travel permit"},
    {"13", "mainland residents' Taiwan travel permit"},
    {"14", "diplomat certificate"},
    {"15", "consular certificate"},
    {"16", "seafarer certificate"},
    {"17", "Hong Kong identity card"},
    {"18", "Taiwan identity card"},
    {"19", "Macao identity card"},
    {"20", "foreigner's identity document"},
    {"21", "graduate entrepreneurship certificate"},
    {"22", "employment registration certificate"},
    {"23", "Taiwan compatriot permit"},
    {"24", "retirement certificate"},
    {"25", "retired cadre certificate"},
    {"99", "other document"},
}};

Violation v(std::string rule, std::string message) { return {std::move(rule), std::move(message)}; }

std::string echo_text(std::string_view text) {
  // Echo at most 40 characters, ID-like runs masked, so a finding never leaks a number.
  std::string t(text.substr(0, 40));
  if (text.size() > 40) t += "...";
  std::string out(1, '\'');
  out.append(mask_ids_in(t)).push_back('\'');
  return out;
}

bool is_number_text(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

bool is_known_id_card_type(std::string_view code) { return !id_card_type_name(code).empty(); }

std::string_view id_card_type_name(std::string_view code) {
  for (const auto& t : kIdCardTypes)
    if (t.code == code) return t.name;
  return {};
}

Verdict check_datetime(std::string_view text, std::string_view pattern, WallNs now,
                       std::chrono::seconds tolerance, UtcOffset off, WallNs* parsed) {
  const auto t = parse_civil(text, off, pattern);
  if (!t) return v("date-format", echo_text(text) + " is not a date in the pattern " + std::string(pattern));
  const WallNs limit = now + std::chrono::duration_cast<std::chrono::nanoseconds>(tolerance).count();
  if (*t > limit)
    return v("date-in-future", echo_text(text) + " is later than now (" +
                                   format_civil(now, off, "yyyy-MM-dd HH:mm:ss") + ")");
  if (parsed) *parsed = *t;
  return std::nullopt;
}

Verdict check_day(std::string_view text, WallNs now, UtcOffset off) {
  const auto t = parse_civil(text, off, "yyyy-MM-dd");
  if (!t) return v("date-format", echo_text(text) + " is not a date in the pattern yyyy-MM-dd");
  if (std::string(text) > format_civil(now, off, "yyyy-MM-dd"))
    return v("date-in-future", echo_text(text) + " is after today (" + format_civil(now, off, "yyyy-MM-dd") + ")");
  return std::nullopt;
}

Verdict check_request_time(std::string_view text, std::string_view pattern, WallNs now,
                           std::chrono::seconds window, UtcOffset off) {
  const auto t = parse_civil(text, off, pattern);
  if (!t) return v("timestamp-format", echo_text(text) + " is not a time in the pattern " + std::string(pattern));
  const std::int64_t w = std::chrono::duration_cast<std::chrono::nanoseconds>(window).count();
  const std::int64_t skew = *t - now;
  // Whole seconds: the text has no finer resolution than that.
  if (skew > w + 1'000'000'000 || skew < -w - 1'000'000'000) {
    std::string m = echo_text(text) + " is " + std::to_string(skew / 1'000'000'000) +
                    " s from the platform's clock; the window is ±" + std::to_string(window.count()) + " s";
    // A whole number of hours off is almost always a client writing another time zone.
    const std::int64_t hours = (skew + (skew < 0 ? -1 : 1) * 1'800'000'000'000) / 3'600'000'000'000;
    const std::int64_t rest = skew - hours * 3'600'000'000'000;
    if (hours != 0 && rest < w + 1'000'000'000 && rest > -w - 1'000'000'000)
      m += " (about " + std::to_string(hours) + " h: the platform's time is UTC" +
           (off.minutes < 0 ? "-" : "+") + std::to_string(std::abs(off.minutes) / 60) + ")";
    return v("timestamp-window", m);
  }
  return std::nullopt;
}

Verdict check_direction(std::string_view code) {
  if (code == "01" || code == "02") return std::nullopt;
  return v("direction-code", echo_text(code) + " is not a direction (\"01\" in, \"02\" out)");
}

Verdict check_id_card_type(std::string_view code) {
  if (is_known_id_card_type(code)) return std::nullopt;
  return v("id-card-type", echo_text(code) + " is not an idCardType code (01 resident ID card, 02..25, 99)");
}

bool looks_like_clear_id(std::string_view t) {
  if (t.size() == 18) {
    for (std::size_t i = 0; i < 17; ++i)
      if (t[i] < '0' || t[i] > '9') return false;
    return (t[17] >= '0' && t[17] <= '9') || t[17] == 'X' || t[17] == 'x';
  }
  if (t.size() == 15) {  // first-generation numbers
    for (char c : t)
      if (c < '0' || c > '9') return false;
    return true;
  }
  return false;
}

Verdict check_id_number(std::string_view type, std::string_view plain) {
  if (type == "01") {
    if (auto problem = resident_id_problem(plain))
      return v("id-invalid", "resident ID " + mask_id(plain) + ": " + *problem);
    return std::nullopt;
  }
  if (plain.empty() || plain.size() > 32)
    return v("id-invalid", "document number of type " + std::string(type) + " must be 1..32 characters");
  for (unsigned char c : plain)
    if (c < 0x21 || c > 0x7e)
      return v("id-invalid", "document number of type " + std::string(type) + " has a non-printable character");
  return std::nullopt;
}

std::optional<std::string> decode_base64(std::string_view text) {
  static const auto table = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return t;
  }();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  char* o = out.data();
  std::uint32_t acc = 0;
  int n = 0;  // sextets in acc
  std::size_t i = 0, pad = 0;
  const std::size_t size = text.size();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  while (i < size) {
    // Four characters at a time while they are all in the alphabet.
    if (n == 0 && pad == 0 && i + 4 <= size) {
      const int a = table[s[i]], b = table[s[i + 1]], c = table[s[i + 2]], d = table[s[i + 3]];
      if ((a | b | c | d) >= 0) {
        const std::uint32_t w = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6) | std::uint32_t(d);
        *o++ = static_cast<char>(w >> 16);
        *o++ = static_cast<char>(w >> 8);
        *o++ = static_cast<char>(w);
        i += 4;
        continue;
      }
    }
    const unsigned char ch = s[i++];
    if (ch == '\r' || ch == '\n') continue;
    if (ch == '=') {
      ++pad;
      continue;
    }
    if (pad) return std::nullopt;  // data after padding
    const int v = table[ch];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    if (++n == 4) {
      *o++ = static_cast<char>(acc >> 16);
      *o++ = static_cast<char>(acc >> 8);
      *o++ = static_cast<char>(acc);
      acc = 0;
      n = 0;
    }
  }
  if (pad > 2 || n == 1) return std::nullopt;
  if (n == 2) *o++ = static_cast<char>(acc >> 4);
  if (n == 3) {
    *o++ = static_cast<char>(acc >> 10);
    *o++ = static_cast<char>(acc >> 2);
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}

Verdict check_image(std::string_view base64, std::size_t limit, std::string* decoded) {
  if (base64.substr(0, 5) == "data:")
    return v("image-base64", "image has a data: URL prefix; send the Base64 text alone");
  // Decoded size first, so an oversized image is named as such without decoding it.
  const std::size_t estimate = base64.size() / 4 * 3;
  if (estimate > limit + limit / 8 + 4)
    return v("image-too-large", "image is about " + std::to_string(estimate) + " bytes decoded; the limit is " +
                                    std::to_string(limit));
  std::optional<std::string> decoded_bytes = decode_base64(base64);
  if (!decoded_bytes) return v("image-base64", "image is not valid Base64");
  const std::string_view bytes(*decoded_bytes);
  if (bytes.size() > limit)
    return v("image-too-large", "image is " + std::to_string(bytes.size()) + " bytes decoded; the limit is " +
                                    std::to_string(limit));
  const bool jpeg = bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
                    static_cast<unsigned char>(bytes[1]) == 0xD8 && static_cast<unsigned char>(bytes[2]) == 0xFF;
  const bool png = bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
  if (!jpeg && !png) return v("image-format", "image is neither JPEG nor PNG (magic bytes)");
  if (decoded) *decoded = std::move(*decoded_bytes);
  return std::nullopt;
}

namespace {
Verdict check_coordinate(const Json& value, double lo, double hi, const char* rule, const char* what,
                         double* out) {
  double d = 0;
  if (value.is_number()) {
    d = value.get<double>();
  } else if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    try {
      std::size_t used = 0;
      d = std::stod(s, &used);
      if (used != s.size()) throw std::invalid_argument(s);
    } catch (const std::exception&) {
      return v(rule, std::string(what) + " " + echo_text(s) + " is not a number");
    }
  } else {
    return v(rule, std::string(what) + " is not a number");
  }
  if (!std::isfinite(d) || d < lo || d > hi)
    return v(rule, std::string(what) + " " + std::to_string(d) + " is outside " + std::to_string(lo) +
                       ".." + std::to_string(hi) + " (WGS84 degrees)");
  if (out) *out = d;
  return std::nullopt;
}
}  // namespace

Verdict check_longitude(const Json& value, double* out) {
  return check_coordinate(value, -180, 180, "lng-range", "longitude", out);
}
Verdict check_latitude(const Json& value, double* out) {
  return check_coordinate(value, -90, 90, "lat-range", "latitude", out);
}

Verdict check_text(const Json& object, std::string_view key, std::string* out, std::size_t max_len) {
  const std::string k(key);
  if (!object.is_object() || !object.contains(k) || object.at(k).is_null())
    return v("field-missing", k + " is required");
  const Json& j = object.at(k);
  std::string s;
  if (j.is_string()) {
    s = j.get<std::string>();
  } else if (j.is_number_integer()) {
    s = std::to_string(j.get<std::int64_t>());
  } else {
    return v("field-type", k + " must be text, found " + std::string(j.type_name()));
  }
  if (s.empty()) return v("field-missing", k + " is empty");
  if (s.size() > max_len)
    return v("field-format", k + " is " + std::to_string(s.size()) + " bytes long; at most " +
                                 std::to_string(max_len));
  if (out) *out = std::move(s);
  return std::nullopt;
}

Verdict check_optional_text(const Json& object, std::string_view key, std::string* out,
                            std::size_t max_len) {
  const std::string k(key);
  if (!object.is_object() || !object.contains(k) || object.at(k).is_null() ||
      (object.at(k).is_string() && object.at(k).get_ref<const std::string&>().empty())) {
    if (out) out->clear();
    return std::nullopt;
  }
  return check_text(object, key, out, max_len);
}

Verdict check_paging(const Json& object, std::int64_t* index, std::int64_t* size, std::int64_t max_size) {
  auto read = [&](const char* key, std::int64_t fallback, std::int64_t* out) -> Verdict {
    *out = fallback;
    if (!object.contains(key) || object.at(key).is_null()) return std::nullopt;
    const Json& j = object.at(key);
    if (j.is_number_integer()) {
      *out = j.get<std::int64_t>();
    } else if (j.is_string() && is_number_text(j.get_ref<const std::string&>())) {
      *out = std::stoll(j.get<std::string>());
    } else {
      return v("page-range", std::string(key) + " must be a whole number");
    }
    return std::nullopt;
  };
  if (auto e = read("pageIndex", 0, index)) return e;
  if (auto e = read("pageSize", 10, size)) return e;
  if (*index < 0 || *index > 1'000'000) return v("page-range", "pageIndex must be 0 or more");
  if (*size < 1 || *size > max_size)
    return v("page-range", "pageSize must be 1.." + std::to_string(max_size));
  return std::nullopt;
}

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_seq(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  int len = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (int k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return static_cast<std::size_t>(len);
}
}  // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_seq(s, i);
    if (n == 0) {
      out += '?';
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    // ASCII eight bytes at a time: request bodies are almost all ASCII.
    while (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const std::size_t n = utf8_seq(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace gaterig::platform
