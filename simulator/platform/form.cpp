#include "simulator/platform/form.hpp"

#include <cstdint>
#include <cstring>

#include "simulator/platform/validation.hpp"

namespace gaterig::platform {
namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when one of the eight bytes of w is '%' or '+' (the classic has-zero-byte test on w
// XOR the byte repeated).
bool has_escape(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const std::uint64_t pct = w ^ (ones * '%'), plus = w ^ (ones * '+');
  return (((pct - ones) & ~pct) | ((plus - ones) & ~plus)) & highs;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  // Written through a raw pointer into a buffer of the input's size: the data field of an
  // attendance upload is ~300 KB, and per-character appends dominated the request's CPU time.
  std::string out(text.size(), '\0');
  char* o = out.data();
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    // Plain bytes eight at a time (most of a Base64 image is plain).
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (has_escape(w)) break;
      std::memcpy(o, p, 8);
      o += 8;
      p += 8;
    }
    if (p >= end) break;
    const char c = *p;
    if (c == '%') {
      if (end - p < 3) return std::nullopt;
      const int hi = hex_value(p[1]), lo = hex_value(p[2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      *o++ = static_cast<char>(hi * 16 + lo);
      p += 3;
    } else {
      *o++ = c == '+' ? ' ' : c;
      ++p;
    }
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}

FormParse parse_form(std::string_view body) {
  FormParse p;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      if (end == body.size()) break;
      continue;
    }
    const std::size_t eq = pair.find('=');
    const auto name = percent_decode(pair.substr(0, eq));
    const auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) {
      p.error = "malformed %-escape in field " + std::to_string(p.fields.size() + 1);
      return p;
    }
    if (!is_utf8(*name) || !is_utf8(*value)) {
      p.error = "field '" + (is_utf8(*name) ? *name : std::string("?")) + "' is not UTF-8";
      return p;
    }
    p.fields.push_back({std::move(*name), std::move(*value)});
    if (end == body.size()) break;
  }
  return p;
}

}  // namespace gaterig::platform
