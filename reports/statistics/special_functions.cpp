#include "reports/statistics/special_functions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace gaterig::statistics {
namespace {

// Continued fraction for I_x(a, b) (Numerical Recipes 6.4, modified Lentz). The number of terms
// grows like sqrt(max(a, b)); the cap leaves room for a million trials.
double beta_continued_fraction(double a, double b, double x) {
  constexpr int max_terms = 200000;
  constexpr double eps = 1e-16;
  constexpr double tiny = 1e-300;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= max_terms; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < eps) return h;
  }
  throw std::runtime_error("incomplete beta: continued fraction did not converge for a=" +
                           std::to_string(a) + " b=" + std::to_string(b) + " x=" + std::to_string(x));
}

void require_shape(double a, double b, const char* what) {
  if (!(a > 0.0) || !(b > 0.0) || !std::isfinite(a) || !std::isfinite(b))
    throw std::invalid_argument(std::string(what) + ": shape parameters must be finite and > 0, got a=" +
                                std::to_string(a) + " b=" + std::to_string(b));
}

}  // namespace

namespace {

// ln Gamma(x) - [(x - 1/2) ln x - x + ln(2 pi)/2], the Stirling series; for x >= 15 the first five
// terms are accurate to about 1e-17.
double stirling_correction(double x) {
  const double r = 1.0 / x, r2 = r * r;
  return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

constexpr double stirling_from = 15.0;

}  // namespace

double log_beta(double a, double b) {
  const double small = std::min(a, b), big = std::max(a, b);
  if (big < stirling_from) return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  // lgamma(b) - lgamma(a + b) directly would subtract two numbers of size b ln b and lose about
  // 1e-16 * b ln b (1e-9 at a million trials); the Stirling form keeps the large terms apart.
  const double sum = a + b;
  if (small < stirling_from) {
    const double ratio = -(big - 0.5) * std::log1p(small / big) - small * std::log(sum) + small +
                         stirling_correction(big) - stirling_correction(sum);
    return std::lgamma(small) + ratio;
  }
  return 0.5 * std::log(2.0 * std::numbers::pi) - (a - 0.5) * std::log1p(b / a) - (b - 0.5) * std::log1p(a / b) -
         0.5 * std::log(sum) + stirling_correction(a) + stirling_correction(b) - stirling_correction(sum);
}

double regularized_incomplete_beta(double a, double b, double x) {
  require_shape(a, b, "regularized_incomplete_beta");
  if (std::isnan(x)) throw std::invalid_argument("regularized_incomplete_beta: x is NaN");
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front = a * std::log(x) + b * std::log1p(-x) - log_beta(a, b);
  // The fraction converges quickly for x below the mean-ish point; above it use the symmetry
  // I_x(a, b) = 1 - I_{1-x}(b, a).
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1.0 - std::exp(log_front) * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double inverse_regularized_incomplete_beta(double a, double b, double p) {
  require_shape(a, b, "inverse_regularized_incomplete_beta");
  if (std::isnan(p)) throw std::invalid_argument("inverse_regularized_incomplete_beta: p is NaN");
  if (p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  const double lb = log_beta(a, b);
  double lo = 0.0, hi = 1.0;
  double x = a / (a + b);  // the mean: a fair start for Newton
  for (int i = 0; i < 2000; ++i) {
    const double f = regularized_incomplete_beta(a, b, x) - p;
    if (f == 0.0) return x;
    if (f < 0.0) lo = x; else hi = x;
    const double log_density = (a - 1.0) * std::log(x) + (b - 1.0) * std::log1p(-x) - lb;
    double next = x - f / std::exp(log_density);
    // Newton may overshoot where the density is flat or huge; fall back to bisection then.
    if (!(next > lo && next < hi) || !std::isfinite(next)) next = 0.5 * (lo + hi);
    const double step = std::fabs(next - x);
    x = next;
    // Converged relative to the nearer end of [0, 1]: near 1 what matters is 1 - x.
    const double scale = std::min(x, 1.0 - x);
    if (step <= 1e-15 * scale || hi - lo <= 4.0 * std::numeric_limits<double>::epsilon() * scale) return x;
  }
  return x;
}

double binomial_cdf(std::uint64_t k, std::uint64_t n, double p) {
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("binomial_cdf: p must be in [0, 1], got " + std::to_string(p));
  if (k >= n) return 1.0;
  if (p <= 0.0) return 1.0;
  if (p >= 1.0) return 0.0;
  // P(X <= k) = I_{1-p}(n - k, k + 1)
  return regularized_incomplete_beta(static_cast<double>(n - k), static_cast<double>(k) + 1.0, 1.0 - p);
}

double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("normal_quantile: p must be in (0, 1), got " + std::to_string(p));
  // P. J. Acklam's coefficients.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - p_low) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // One Halley step against erfc brings the 1e-9 approximation to full precision.
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
  return x - u / (1.0 + x * u / 2.0);
}

}  // namespace gaterig::statistics
