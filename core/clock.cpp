#include "core/clock.hpp"

#include <ctime>

namespace gaterig {
namespace {
std::int64_t read_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Days from civil date (proleptic Gregorian), Howard Hinnant's algorithm.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d, hh, mm, ss;
};

Civil civil_from_seconds(std::int64_t secs) {
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) { rem += 86400; --days; }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c{};
  c.d = doy - (153 * mp + 2) / 5 + 1;
  c.m = mp < 10 ? mp + 3 : mp - 9;
  c.y = static_cast<std::int64_t>(yoe) + era * 400 + (c.m <= 2);
  c.hh = static_cast<unsigned>(rem / 3600);
  c.mm = static_cast<unsigned>(rem % 3600 / 60);
  c.ss = static_cast<unsigned>(rem % 60);
  return c;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

void put_num(std::string& out, std::int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) out.append(width - s.size(), '0');
  out += s;
}

// The tokens we understand, longest first so "yyyy" wins over "yy".
struct Token {
  std::string_view text;
  int width;
  char field;  // y M d H m s
};
constexpr Token kTokens[] = {{"yyyy", 4, 'y'}, {"MM", 2, 'M'}, {"dd", 2, 'd'},
                             {"HH", 2, 'H'},   {"mm", 2, 'm'}, {"ss", 2, 's'}};

const Token* token_at(std::string_view pattern, std::size_t i) {
  for (const auto& t : kTokens)
    if (pattern.substr(i, t.text.size()) == t.text) return &t;
  return nullptr;
}
}  // namespace

MonoNs mono_now() { return read_clock(CLOCK_MONOTONIC); }
WallNs wall_now() { return read_clock(CLOCK_REALTIME); }

WallClockMapping WallClockMapping::capture() {
  // Bracket the wall reading between two monotonic ones and keep the tightest of a few tries.
  MonoNs best_mono = 0;
  WallNs best_wall = 0;
  std::int64_t best_span = -1;
  for (int i = 0; i < 5; ++i) {
    const MonoNs a = mono_now();
    const WallNs w = wall_now();
    const MonoNs b = mono_now();
    if (best_span < 0 || b - a < best_span) {
      best_span = b - a;
      best_mono = a + (b - a) / 2;
      best_wall = w;
    }
  }
  return {best_mono, best_wall};
}

std::string format_civil(WallNs wall, UtcOffset off, std::string_view pattern) {
  std::int64_t secs = wall / 1'000'000'000;
  if (wall < 0 && wall % 1'000'000'000 != 0) --secs;
  const Civil c = civil_from_seconds(secs + std::int64_t{off.minutes} * 60);
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (const Token* t = token_at(pattern, i)) {
      switch (t->field) {
        case 'y': put_num(out, c.y, 4); break;
        case 'M': put_num(out, c.m, 2); break;
        case 'd': put_num(out, c.d, 2); break;
        case 'H': put_num(out, c.hh, 2); break;
        case 'm': put_num(out, c.mm, 2); break;
        case 's': put_num(out, c.ss, 2); break;
      }
      i += t->text.size();
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

std::optional<WallNs> parse_civil(std::string_view text, UtcOffset off, std::string_view pattern) {
  std::int64_t y = 1970;
  unsigned m = 1, d = 1, hh = 0, mm = 0, ss = 0;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < pattern.size();) {
    if (const Token* t = token_at(pattern, i)) {
      if (pos + t->width > text.size()) return std::nullopt;
      unsigned v = 0;
      for (int k = 0; k < t->width; ++k) {
        const char ch = text[pos + k];
        if (ch < '0' || ch > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(ch - '0');
      }
      switch (t->field) {
        case 'y': y = v; break;
        case 'M': m = v; break;
        case 'd': d = v; break;
        case 'H': hh = v; break;
        case 'm': mm = v; break;
        case 's': ss = v; break;
      }
      pos += t->width;
      i += t->text.size();
    } else {
      if (pos >= text.size() || text[pos] != pattern[i]) return std::nullopt;
      ++pos;
      ++i;
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || hh > 23 || mm > 59 || ss > 59)
    return std::nullopt;
  const std::int64_t secs = days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss -
                            std::int64_t{off.minutes} * 60;
  return secs * 1'000'000'000;
}

std::string format_iso_utc(WallNs wall) {
  std::string s = format_civil(wall, UtcOffset{0}, "yyyy-MM-ddTHH:mm:ss");
  std::int64_t ms = (wall % 1'000'000'000) / 1'000'000;
  if (ms < 0) ms += 1000;
  s += '.';
  put_num(s, ms, 3);
  s += 'Z';
  return s;
}

}  // namespace gaterig
