#include "reports/statistics/binomial_interval.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "reports/statistics/special_functions.hpp"

namespace gaterig::statistics {

std::string to_string(Sides s) {
  switch (s) {
    case Sides::two_sided: return "two-sided";
    case Sides::upper: return "upper";
    case Sides::lower: return "lower";
  }
  return "?";
}

Sides parse_sides(const std::string& s) {
  if (s == "two-sided") return Sides::two_sided;
  if (s == "upper") return Sides::upper;
  if (s == "lower") return Sides::lower;
  throw std::invalid_argument("sides: expected \"two-sided\", \"upper\" or \"lower\", got \"" + s + "\"");
}

std::ostream& operator<<(std::ostream& os, const Interval& i) {
  return os << "[" << i.lower << ", " << i.upper << "]";
}

void require_confidence(double confidence, const char* what) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument(std::string(what) + ": confidence must be in (0, 1), got " + std::to_string(confidence));
}

namespace {
void require_counts(std::uint64_t x, std::uint64_t n, const char* what) {
  if (x > n)
    throw std::invalid_argument(std::string(what) + ": events (" + std::to_string(x) + ") exceed trials (" +
                                std::to_string(n) + ")");
}
}  // namespace

Interval clopper_pearson(std::uint64_t x, std::uint64_t n, double confidence, Sides sides) {
  require_confidence(confidence, "clopper_pearson");
  require_counts(x, n, "clopper_pearson");
  if (n == 0) return {};
  const double alpha = 1.0 - confidence;
  const double tail = sides == Sides::two_sided ? alpha / 2.0 : alpha;
  const double xd = static_cast<double>(x), nd = static_cast<double>(n);
  Interval r;
  if (sides != Sides::upper) {
    // P(X >= x | L) = tail  <=>  L = Beta^-1(tail; x, n - x + 1)
    if (x == 0) r.lower = 0.0;
    else if (x == n) r.lower = std::pow(tail, 1.0 / nd);  // closed form: L^n = tail
    else r.lower = inverse_regularized_incomplete_beta(xd, nd - xd + 1.0, tail);
  }
  if (sides != Sides::lower) {
    // P(X <= x | U) = tail  <=>  U = Beta^-1(1 - tail; x + 1, n - x)
    if (x == n) r.upper = 1.0;
    else if (x == 0) r.upper = -std::expm1(std::log(tail) / nd);  // closed form: (1 - U)^n = tail
    else r.upper = inverse_regularized_incomplete_beta(xd + 1.0, nd - xd, 1.0 - tail);
  }
  return r;
}

Interval wilson(std::uint64_t x, std::uint64_t n, double confidence, Sides sides) {
  require_confidence(confidence, "wilson");
  require_counts(x, n, "wilson");
  if (n == 0) return {};
  const double alpha = 1.0 - confidence;
  const double z = normal_quantile(1.0 - (sides == Sides::two_sided ? alpha / 2.0 : alpha));
  const double nd = static_cast<double>(n), p = static_cast<double>(x) / nd, z2 = z * z;
  const double centre = (p + z2 / (2.0 * nd)) / (1.0 + z2 / nd);
  const double half = z / (1.0 + z2 / nd) * std::sqrt(p * (1.0 - p) / nd + z2 / (4.0 * nd * nd));
  Interval r;
  if (sides != Sides::upper) r.lower = x == 0 ? 0.0 : std::max(0.0, centre - half);
  if (sides != Sides::lower) r.upper = x == n ? 1.0 : std::min(1.0, centre + half);
  return r;
}

}  // namespace gaterig::statistics
