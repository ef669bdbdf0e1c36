#include "rigs/trial/summary.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "reports/statistics/statistics_json.hpp"

namespace gaterig::trial {
namespace {

// Which rate a trial counts towards and whether it is that rate's event.
struct Tally {
  std::string events;
  std::map<std::string, statistics::PersonTally> persons;
  std::uint64_t errors = 0;
};

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // group, condition, rate, attack

void count_into(std::map<Key, Tally>& tallies, const TrialOutcome& o, const std::string& rate,
                const std::string& attack, const std::string& events, bool event) {
  Tally& t = tallies[{o.group, o.condition, rate, attack}];
  t.events = events;
  if (o.outcome == OutcomeClass::error) {
    ++t.errors;
    return;
  }
  auto& p = t.persons[o.person];
  p.person = o.person;
  ++p.attempts;
  if (event) ++p.events;
}

}  // namespace

std::size_t count(const std::vector<TrialOutcome>& v, OutcomeClass c) {
  std::size_t n = 0;
  for (const auto& o : v) n += o.outcome == c;
  return n;
}

std::size_t count_decided(const std::vector<TrialOutcome>& v) { return v.size() - count(v, OutcomeClass::error); }

std::size_t subjects(const std::vector<TrialOutcome>& v) {
  std::set<std::string> s;
  for (const auto& o : v)
    if (o.outcome != OutcomeClass::error) s.insert(o.person);
  return s.size();
}

std::vector<std::int64_t> latencies_ns(const std::vector<TrialOutcome>& v, OutcomeClass c) {
  std::vector<std::int64_t> out;
  for (const auto& o : v)
    if (o.outcome == c && o.latency_ns) out.push_back(*o.latency_ns);
  return out;
}

TrialSummary summarize(const std::vector<TrialOutcome>& outcomes, const SummaryOptions& options) {
  std::map<Key, Tally> tallies;
  std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> samples;
  for (const auto& o : outcomes) {
    switch (o.role) {
      case Role::enrolled:
        if (o.expected == Expectation::accept) {
          count_into(tallies, o, "pass_rate", "", "true accepts", o.outcome == OutcomeClass::true_accept);
          count_into(tallies, o, "wrong_person_rate", "", "accepts with another person's card",
                     o.outcome == OutcomeClass::false_accept_wrong_person);
          if (o.outcome == OutcomeClass::true_accept && o.latency_ns) samples[{o.group, o.condition}].push_back(*o.latency_ns);
        } else {
          count_into(tallies, o, "correct_refusal_rate", "", "correct refusals", o.outcome == OutcomeClass::correct_refusal);
        }
        break;
      case Role::impostor:
      case Role::unenrolled:
        count_into(tallies, o, "false_accept_rate", "", "false accepts", o.outcome == OutcomeClass::false_accept_unenrolled);
        break;
      case Role::attack:
        count_into(tallies, o, "apcer", o.attack, "accepted attacks", o.outcome == OutcomeClass::attack_accepted);
        break;
    }
  }

  TrialSummary s;
  for (const auto& [key, t] : tallies) {
    RateSummary r;
    std::tie(r.group, r.condition, r.rate, r.attack) = key;
    r.events = t.events;
    r.errors = t.errors;
    r.confidence = options.confidence;
    std::vector<statistics::PersonTally> persons;
    for (const auto& [name, p] : t.persons) {
      r.count += p.events;
      r.trials += p.attempts;
      persons.push_back(p);
    }
    r.subjects = persons.size();
    r.point = r.trials ? static_cast<double>(r.count) / static_cast<double>(r.trials)
                       : std::numeric_limits<double>::quiet_NaN();
    r.clopper_pearson = statistics::clopper_pearson(r.count, r.trials, options.confidence);
    if (r.trials > 0)
      r.bootstrap = statistics::subject_bootstrap(
          persons, statistics::BootstrapOptions{options.bootstrap_seed, options.replicates, options.confidence});
    s.rates.push_back(std::move(r));
  }
  for (auto& [key, v] : samples) {
    LatencyGroup g;
    g.group = key.first;
    g.condition = key.second;
    g.summary = statistics::summarize_latency(v, options.confidence);
    g.samples_ns = std::move(v);
    s.latencies.push_back(std::move(g));
  }
  return s;
}

Json TrialSummary::to_json() const {
  Json rs = Json::array();
  for (const auto& r : rates) {
    rs.push_back(Json{{"group", r.group},
                      {"condition", r.condition},
                      {"rate", r.rate},
                      {"attack", r.attack},
                      {"events", r.events},
                      {"count", r.count},
                      {"trials", r.trials},
                      {"subjects", r.subjects},
                      {"errors", r.errors},
                      {"point", std::isnan(r.point) ? Json(nullptr) : Json(r.point)},
                      {"interval",
                       {{"method", "clopper-pearson"},
                        {"confidence", r.confidence},
                        {"low", r.clopper_pearson.lower},
                        {"high", r.clopper_pearson.upper}}},
                      {"bootstrap", r.bootstrap ? statistics::to_json(*r.bootstrap) : Json(nullptr)}});
  }
  Json ls = Json::array();
  for (const auto& l : latencies) {
    Json ms = Json::array();
    for (auto v : l.samples_ns) ms.push_back(static_cast<double>(v) / 1e6);
    ls.push_back(Json{{"group", l.group}, {"condition", l.condition}, {"summary", statistics::to_json(l.summary)},
                      {"samples_ms", ms}});
  }
  return Json{{"schema", kSummarySchema}, {"rates", rs}, {"latencies", ls}};
}

}  // namespace gaterig::trial
