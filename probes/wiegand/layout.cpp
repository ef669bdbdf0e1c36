#include "probes/wiegand/layout.hpp"

#include <stdexcept>

namespace gaterig::wiegand {

int count_ones(std::string_view bits, std::size_t from, std::size_t to) {
  int n = 0;
  for (std::size_t i = from; i < to && i < bits.size(); ++i) n += bits[i] == '1';
  return n;
}

namespace {
std::string binary(std::uint32_t value, int width) {
  std::string s(static_cast<std::size_t>(width), '0');
  for (int i = 0; i < width; ++i)
    if (value >> (width - 1 - i) & 1U) s[static_cast<std::size_t>(i)] = '1';
  return s;
}

std::uint32_t value_of(std::string_view bits) {
  std::uint32_t v = 0;
  for (char c : bits) v = v << 1 | static_cast<std::uint32_t>(c == '1');
  return v;
}

// Wraps `data` in the two parity bits: the first makes the first half even, the last makes the
// second half odd.
std::string with_parity(const std::string& data) {
  const std::size_t half = data.size() / 2;
  const char even = count_ones(data, 0, half) % 2 ? '1' : '0';
  const char odd = count_ones(data, half, data.size()) % 2 ? '0' : '1';
  return even + data + odd;
}
}  // namespace

std::string wg26_bits(std::uint32_t facility, std::uint32_t card) {
  if (facility > 0xFF)
    throw std::invalid_argument("WG26 facility " + std::to_string(facility) + " exceeds 8 bits (0..255)");
  if (card > 0xFFFF)
    throw std::invalid_argument("WG26 card " + std::to_string(card) + " exceeds 16 bits (0..65535)");
  return with_parity(binary(facility, 8) + binary(card, 16));
}

std::string wg34_bits(std::uint32_t data) { return with_parity(binary(data, 32)); }

std::string wg34_bits(std::uint32_t facility, std::uint32_t card) {
  if (facility > 0xFFFF)
    throw std::invalid_argument("WG34 facility " + std::to_string(facility) + " exceeds 16 bits (0..65535)");
  if (card > 0xFFFF)
    throw std::invalid_argument("WG34 card " + std::to_string(card) + " exceeds 16 bits (0..65535)");
  return wg34_bits(facility << 16 | card);
}

void decode_layout(WiegandFrame& f, Format expect) {
  const std::size_t n = f.bits.size();
  Format format = Format::raw;
  if (expect == Format::raw) {
    if (n == 26) format = Format::wg26;
    if (n == 34) format = Format::wg34;
  } else if ((expect == Format::wg26 && n == 26) || (expect == Format::wg34 && n == 34)) {
    format = expect;
  }
  f.format = format;
  f.facility = f.card = f.data = std::nullopt;
  f.parity_even_ok = f.parity_odd_ok = std::nullopt;
  if (format == Format::raw) {
    if (n == 0) return;  // nothing but glitches or stray edges: their own findings say so
    std::string expected = expect == Format::wg26   ? "26 bits (--format wg26)"
                           : expect == Format::wg34 ? "34 bits (--format wg34)"
                                                    : "26 (WG26) or 34 (WG34) bits";
    f.findings.push_back({std::string(rule::unknown_length),
                          "frame has " + std::to_string(n) + " bits, expected " + expected});
    return;
  }
  // Both layouts: parity bit, data, parity bit; each parity covers half the data bits.
  const std::size_t data_bits = n - 2, half = data_bits / 2;
  const std::string_view bits = f.bits;
  f.parity_even_ok = count_ones(bits, 0, 1 + half) % 2 == 0;
  f.parity_odd_ok = count_ones(bits, 1 + half, n) % 2 == 1;
  f.data = value_of(bits.substr(1, data_bits));
  if (format == Format::wg26) {
    f.facility = value_of(bits.substr(1, 8));
    f.card = value_of(bits.substr(9, 16));
  } else {
    f.facility = *f.data >> 16;
    f.card = *f.data & 0xFFFF;
  }
  // D0 and D1 swapped inverts every bit; each parity group has an odd number of bits, so both
  // parities fail together and the inverted frame would be perfect. Say so: it is the likely cause.
  std::string swapped_hint;
  if (!*f.parity_even_ok && !*f.parity_odd_ok) {
    std::string inverted(f.bits);
    for (char& c : inverted) c = c == '1' ? '0' : '1';
    const auto d = value_of(std::string_view(inverted).substr(1, data_bits));
    swapped_hint = format == Format::wg26
                       ? " (with D0 and D1 swapped both parities would be good: facility " +
                             std::to_string(d >> 16) + " card " + std::to_string(d & 0xFFFF) + ")"
                       : " (with D0 and D1 swapped both parities would be good: data " +
                             std::to_string(d) + ")";
  }
  const std::string span_even = "bits 1-" + std::to_string(1 + half);
  const std::string span_odd = "bits " + std::to_string(2 + half) + "-" + std::to_string(n);
  if (!*f.parity_even_ok)
    f.findings.push_back({std::string(rule::parity_even_bad),
                          "even parity fails over " + span_even + " (" +
                              std::to_string(count_ones(bits, 0, 1 + half)) + " ones)" + swapped_hint});
  if (!*f.parity_odd_ok)
    f.findings.push_back({std::string(rule::parity_odd_bad),
                          "odd parity fails over " + span_odd + " (" +
                              std::to_string(count_ones(bits, 1 + half, n)) + " ones)" + swapped_hint});
}

}  // namespace gaterig::wiegand
