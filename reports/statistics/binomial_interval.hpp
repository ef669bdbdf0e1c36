#pragma once
// Confidence intervals for a binomial proportion: x events in n independent trials.
#include <cstdint>
#include <ostream>
#include <string>

namespace gaterig::statistics {

// Which side(s) of the interval carry the (1 - confidence) risk. A one-sided upper bound at
// 95 % puts all 5 % above it; a two-sided 95 % interval puts 2.5 % on each side.
enum class Sides { two_sided, upper, lower };
std::string to_string(Sides s);
Sides parse_sides(const std::string& s);  // throws std::invalid_argument naming the value

// A closed interval of a proportion. A one-sided upper bound is [0, U]; one-sided lower [L, 1].
struct Interval {
  double lower = 0.0;
  double upper = 1.0;
  bool contains(double p) const { return lower <= p && p <= upper; }
  friend bool operator==(const Interval&, const Interval&) = default;
};
std::ostream& operator<<(std::ostream& os, const Interval& i);

// Clopper & Pearson (1934) "exact" interval: the bounds invert the binomial tails,
//   upper U: P(X <= x | U) = alpha (one-sided) or alpha/2 (two-sided),
//   lower L: P(X >= x | L) = alpha (one-sided) or alpha/2 (two-sided),
// computed as Beta quantiles. Coverage is at least the stated confidence for every true p,
// which is why certificates use it. x = 0 gives U = 1 - alpha^(1/n) (the "rule of 3" ~ 3/n).
// n = 0 gives the vacuous [0, 1]. Throws std::invalid_argument if x > n or confidence not in (0, 1).
Interval clopper_pearson(std::uint64_t x, std::uint64_t n, double confidence, Sides sides = Sides::two_sided);

// Wilson (1927) score interval. Shorter and closer to nominal coverage on average, but it can
// cover less than the stated confidence for some p: reported for comparison only, never used
// for a certificate's verdict.
Interval wilson(std::uint64_t x, std::uint64_t n, double confidence, Sides sides = Sides::two_sided);

// Validates a confidence level; the message names `what`.
void require_confidence(double confidence, const char* what);

}  // namespace gaterig::statistics
