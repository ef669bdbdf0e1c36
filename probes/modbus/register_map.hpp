#pragma once
// The bench instruments' register maps, shared by the drivers (probes/modbus) and the simulated
// bench server (simulator/bench). simulator/bench/REGISTER_MAPS.md is the prose version; a real
// instrument that differs gets its own driver, not a changed map.
#include <cstdint>

namespace gaterig::bench_map {

// Default unit ids when all instruments share one bus (RTU) or one gateway (TCP).
inline constexpr int kLightUnit = 1;
inline constexpr int kLuxUnit = 2;
inline constexpr int kRelayUnit = 3;

namespace light {
// Holding registers 0..3: channel level in per mille (0 dark .. 1000 full). Writes above 1000
// are refused with exception 03 (illegal data value).
inline constexpr int kChannels = 4;
inline constexpr int kLevelBase = 0;
inline constexpr int kMaxPermille = 1000;
// Holding register 8: master enable (1 = channels follow their levels, 0 = all dark).
inline constexpr int kMasterEnable = 8;
inline constexpr int kHoldingCount = 16;
enum Channel : int { front = 0, back = 1, ambient = 2, spare = 3 };
}  // namespace light

namespace lux {
// Input registers 0 (high word) and 1 (low word): illuminance in lux x10, unsigned 32 bit,
// big-endian word order. Input register 2: status bits. Input register 3: sample counter
// (wraps at 65536), so a reader can tell a fresh sample from a repeated one.
inline constexpr int kValueHigh = 0;
inline constexpr int kValueLow = 1;
inline constexpr int kStatus = 2;
inline constexpr int kSampleCounter = 3;
inline constexpr int kInputCount = 4;
inline constexpr std::uint16_t kStatusValid = 0x0001;
inline constexpr std::uint16_t kStatusOverRange = 0x0002;
inline constexpr double kMaxLux = 200000.0;  // the meter's range; above it: over-range, clamped
}  // namespace lux

namespace relay {
// Coils 0..3: outlet on (1) / off (0).
inline constexpr int kOutlets = 4;
// Holding register 0: pulse time in ms (default 2000). Holding register 1: pulse trigger: writing
// k (1..4) switches outlet k-1 off now and on again after the pulse time (a power cycle); it
// reads back 0 once the pulse has ended.
inline constexpr int kPulseMs = 0;
inline constexpr int kPulseTrigger = 1;
inline constexpr int kHoldingCount = 2;
inline constexpr std::uint16_t kDefaultPulseMs = 2000;
}  // namespace relay

}  // namespace gaterig::bench_map
