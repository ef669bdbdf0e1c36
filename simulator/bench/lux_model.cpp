#include "simulator/bench/lux_model.hpp"

#include <algorithm>

namespace gaterig {

double LuxModel::expected(const LightLevels& levels) const {
  double lux = floor_lux;
  for (int c = 0; c < bench_map::light::kChannels; ++c)
    lux += gain_lux[static_cast<std::size_t>(c)] * levels.effective(c);
  return lux;
}

double LuxModel::sample(const LightLevels& levels, std::mt19937_64& rng) const {
  const double mean = expected(levels);
  std::normal_distribution<double> noise(0.0, noise_floor_lux + noise_fraction * mean);
  return std::max(0.0, mean + noise(rng));
}

}  // namespace gaterig
