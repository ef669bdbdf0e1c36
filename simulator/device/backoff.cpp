#include "simulator/device/backoff.hpp"

#include <algorithm>
#include <stdexcept>

namespace gaterig::device {

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::uint64_t seed)
    : base_(base), cap_(cap), rng_(seed) {
  if (base.count() <= 0) throw std::invalid_argument("backoff: base must be > 0 ms");
  if (cap < base) throw std::invalid_argument("backoff: cap must be >= base");
}

std::chrono::milliseconds Backoff::ceiling(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                           int attempt) {
  // Doubling stops at the cap (and long before 2^n overflows).
  std::int64_t c = base.count();
  for (int i = 0; i < attempt && c < cap.count(); ++i) c *= 2;
  return std::chrono::milliseconds(std::min<std::int64_t>(c, cap.count()));
}

std::chrono::milliseconds Backoff::next() {
  const auto c = ceiling(base_, cap_, attempt_).count();
  ++attempt_;
  std::uniform_int_distribution<std::int64_t> jitter((c + 1) / 2, c);
  return std::chrono::milliseconds(jitter(rng_));
}

}  // namespace gaterig::device
