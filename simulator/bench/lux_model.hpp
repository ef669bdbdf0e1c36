#pragma once
// What the simulated lux meter reads for a given state of the simulated light controller:
//   lux = floor + Σ gain_c × level_c / 1000   (only while the controller's master enable is on)
// plus Gaussian noise with σ = noise_floor + noise_fraction × lux, from a seeded generator.
// The default gains put "normal light" (ambient channel full) near 500 lx (an office), strong
// front light near 2000 lx. Measured lux is where the lux meter sits: at the face position.
#include <array>
#include <cstdint>
#include <random>

#include "probes/modbus/register_map.hpp"

namespace gaterig {

struct LightLevels {
  std::array<int, bench_map::light::kChannels> permille{};  // front, back, ambient, spare
  bool enabled = true;
  // Effective level 0..1 of a channel (0 when the master enable is off).
  double effective(int channel) const {
    return enabled ? permille.at(static_cast<std::size_t>(channel)) / 1000.0 : 0.0;
  }
  bool operator==(const LightLevels&) const = default;
};

struct LuxModel {
  double floor_lux = 20.0;  // light leaking into the bench with every channel dark
  std::array<double, bench_map::light::kChannels> gain_lux{1500.0, 150.0, 480.0, 0.0};
  double noise_floor_lux = 0.5;
  double noise_fraction = 0.005;

  double expected(const LightLevels& levels) const;
  double sample(const LightLevels& levels, std::mt19937_64& rng) const;  // never below 0
};

}  // namespace gaterig
