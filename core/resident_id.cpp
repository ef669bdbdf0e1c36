#include "core/resident_id.hpp"

#include <array>
#include <cctype>

namespace gaterig {
namespace {
constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheck[] = "10X98765432";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool known_province(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
         (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
         p == 81 || p == 82 || p == 83;
}

bool valid_date(int y, int m, int d) {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= (m == 2 && leap ? 29 : kDays[m - 1]);
}

int num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// splitmix64: a tiny, well-mixed generator so IDs are reproducible from a seed everywhere.
std::uint64_t mix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

std::optional<char> resident_id_check_char(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (!is_digit(first17[i])) return std::nullopt;
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

std::optional<std::string> resident_id_problem(std::string_view id) {
  if (id.size() != 18) return "must be 18 characters, got " + std::to_string(id.size());
  for (std::size_t i = 0; i < 17; ++i)
    if (!is_digit(id[i])) return "character " + std::to_string(i + 1) + " is not a digit";
  const char last = id[17];
  if (!is_digit(last) && last != 'X' && last != 'x') return "last character must be a digit or X";
  if (!known_province(num(id.substr(0, 2))))
    return "region code " + std::string(id.substr(0, 2)) + " is not a province";
  if (!valid_date(num(id.substr(6, 4)), num(id.substr(10, 2)), num(id.substr(12, 2))))
    return "birth date " + std::string(id.substr(6, 8)) + " is not a date";
  const char want = *resident_id_check_char(id.substr(0, 17));
  if (std::toupper(static_cast<unsigned char>(last)) != want)
    return std::string("check character is ") + last + ", expected " + want;
  return std::nullopt;
}

std::string synthetic_resident_id(std::uint64_t seed, std::string_view region) {
  std::uint64_t s = seed;
  const int year = 1960 + static_cast<int>(mix(s) % 45);
  const int month = 1 + static_cast<int>(mix(s) % 12);
  const int day = 1 + static_cast<int>(mix(s) % 28);
  const int seq = static_cast<int>(mix(s) % 1000);
  std::string id(region.substr(0, 6));
  id.resize(6, '0');
  auto put = [&](int v, int width) {
    std::string t = std::to_string(v);
    id.append(static_cast<std::size_t>(width) - t.size(), '0');
    id += t;
  };
  put(year, 4);
  put(month, 2);
  put(day, 2);
  put(seq, 3);
  id += *resident_id_check_char(id);
  return id;
}

std::string mask_id(std::string_view id) {
  if (id.size() == 18) return std::string(id.substr(0, 3)) + std::string(11, '*') + std::string(id.substr(14));
  if (id.size() <= 2) return std::string(id.size(), '*');
  return std::string(id.size() - 2, '*') + std::string(id.substr(id.size() - 2));
}

std::string mask_ids_in(std::string_view text) {
  std::string out(text);
  std::size_t i = 0;
  while (i + 18 <= out.size()) {
    bool looks = (i == 0 || !is_digit(out[i - 1]));
    for (std::size_t k = 0; looks && k < 17; ++k) looks = is_digit(out[i + k]);
    const char last = out[i + 17];
    looks = looks && (is_digit(last) || last == 'X' || last == 'x') &&
            (i + 18 == out.size() || !is_digit(out[i + 18]));
    if (looks) {
      out.replace(i, 18, mask_id(out.substr(i, 18)));
      i += 18;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace gaterig
