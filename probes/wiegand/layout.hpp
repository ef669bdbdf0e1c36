#pragma once
// The bit layouts of SPEC.md ("The Wiegand wire"): where the parity bits and fields sit in WG26
// and WG34, both ways (fields → bits for transmitting, bits → fields for decoding).
#include <cstdint>
#include <string>
#include <string_view>

#include "probes/wiegand/frame.hpp"

namespace gaterig::wiegand {

// WG26: even parity over bits 2–13, 8-bit facility, 16-bit card, odd parity over bits 14–25.
// Throws std::invalid_argument when a field does not fit.
std::string wg26_bits(std::uint32_t facility, std::uint32_t card);
// WG34: even parity over bits 2–17, 32 data bits, odd parity over bits 18–33.
std::string wg34_bits(std::uint32_t data);
// WG34 with the common 16-bit facility + 16-bit card split of the data bits.
std::string wg34_bits(std::uint32_t facility, std::uint32_t card);

// Fills format, fields and parity of `f` from f.bits (format chosen by bit count, or forced by
// `expect` unless it is Format::raw); adds unknown-length / parity-*-bad findings.
void decode_layout(WiegandFrame& f, Format expect);

// Number of '1' characters in bits[from, to) (0-based, half-open).
int count_ones(std::string_view bits, std::size_t from, std::size_t to);

}  // namespace gaterig::wiegand
