#include "reports/statistics/subject_bootstrap.hpp"

#include <algorithm>
#include <stdexcept>

#include "reports/statistics/resampling.hpp"

namespace gaterig::statistics {

std::ostream& operator<<(std::ostream& os, const BootstrapInterval& b) {
  return os << "bootstrap{persons=" << b.persons << " replicates=" << b.replicates << " seed=" << b.seed
            << " point=" << b.point << " two-sided " << b.interval
            << " one-sided " << b.bounds << "}";
}

BootstrapInterval subject_bootstrap(const std::vector<PersonTally>& persons, const BootstrapOptions& options) {
  require_confidence(options.confidence, "subject_bootstrap");
  if (persons.empty()) throw std::invalid_argument("subject_bootstrap: no persons");
  if (options.replicates < 10)
    throw std::invalid_argument("subject_bootstrap: replicates must be >= 10, got " + std::to_string(options.replicates));
  std::uint64_t events = 0, attempts = 0;
  for (const auto& p : persons) {
    if (p.events > p.attempts)
      throw std::invalid_argument("subject_bootstrap: person \"" + p.person + "\" has more events (" +
                                  std::to_string(p.events) + ") than attempts (" + std::to_string(p.attempts) + ")");
    events += p.events;
    attempts += p.attempts;
  }
  if (attempts == 0) throw std::invalid_argument("subject_bootstrap: no attempts");

  BootstrapInterval r;
  r.seed = options.seed;
  r.replicates = options.replicates;
  r.persons = persons.size();
  r.confidence = options.confidence;
  r.point = static_cast<double>(events) / static_cast<double>(attempts);

  Resampler draw(options.seed);
  std::vector<double> rates;
  rates.reserve(options.replicates);
  for (std::uint32_t b = 0; b < options.replicates; ++b) {
    std::uint64_t e = 0, a = 0;
    for (std::size_t i = 0; i < persons.size(); ++i) {
      const auto& p = persons[draw.index(persons.size())];
      e += p.events;
      a += p.attempts;
    }
    if (a == 0) { ++r.undefined_replicates; continue; }
    rates.push_back(static_cast<double>(e) / static_cast<double>(a));
  }
  if (rates.empty()) throw std::invalid_argument("subject_bootstrap: every replicate drew only persons without attempts");
  std::sort(rates.begin(), rates.end());
  const double alpha = 1.0 - options.confidence;
  r.interval = {empirical_quantile(rates, alpha / 2.0), empirical_quantile(rates, 1.0 - alpha / 2.0)};
  r.bounds = {empirical_quantile(rates, alpha), empirical_quantile(rates, 1.0 - alpha)};
  return r;
}

}  // namespace gaterig::statistics
