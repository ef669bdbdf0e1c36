#include "rigs/standard/measurement.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "reports/statistics/comparison.hpp"
#include "reports/statistics/latency.hpp"
#include "reports/statistics/rate_measurement.hpp"
#include "reports/statistics/statistics_json.hpp"

namespace gaterig::standard {

namespace stats = gaterig::statistics;

std::string verdict_text(MeasurementVerdict v) {
  switch (v) {
    case MeasurementVerdict::pass: return "PASS";
    case MeasurementVerdict::fail: return "FAIL";
    case MeasurementVerdict::not_demonstrable: return "NOT DEMONSTRABLE";
    case MeasurementVerdict::not_tested: return "NOT TESTED";
  }
  return "?";
}

MeasurementVerdict parse_measurement_verdict(const std::string& s) {
  for (auto v : {MeasurementVerdict::pass, MeasurementVerdict::fail, MeasurementVerdict::not_demonstrable,
                 MeasurementVerdict::not_tested})
    if (verdict_text(v) == s) return v;
  throw std::invalid_argument("expected PASS, FAIL, NOT DEMONSTRABLE or NOT TESTED, found \"" + s + "\"");
}

namespace {

std::string fmt(double v) {
  std::ostringstream os;
  os.precision(4);
  os << v;
  return os.str();
}

// A figure in the measurement's unit, as the reason line prints it.
std::string figure(double v, const std::string& unit) {
  if (unit == "ratio") return fmt(v * 100.0) + " %";
  if (unit == "ms") return fmt(v) + " ms";
  return fmt(v);
}

std::string pct(double confidence) { return fmt(confidence * 100.0) + " %"; }

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }
std::vector<double> to_ms(const std::vector<std::int64_t>& ns) {
  std::vector<double> out;
  out.reserve(ns.size());
  for (auto v : ns) out.push_back(ms(v));
  return out;
}

std::string bad(const MeasurementSpec& spec, const std::string& what) {
  return spec.clause_id + " " + spec.label() + ": " + what;
}

// Why a bounded verdict came out as it did, from the bound that decided it.
std::string bounded_reason(MeasurementVerdict v, const MeasurementSpec& spec, const Threshold& thr, double point,
                           double lower, double upper, bool quick, const std::string& what) {
  const bool from_above = stats::limits_from_above(thr.op);
  const double pessimistic = from_above ? upper : lower;
  const double optimistic = from_above ? lower : upper;
  const std::string side_p = from_above ? "upper" : "lower";
  const std::string side_o = from_above ? "lower" : "upper";
  const std::string limit = describe(thr, spec.unit);
  const std::string conf = pct(spec.confidence);
  if (quick) {
    return std::string(v == MeasurementVerdict::pass ? "" : "not ") + "within the limit: " + what + " " +
           figure(point, spec.unit) + (v == MeasurementVerdict::pass ? " " : ", limit ") + limit +
           " (simple acceptance, point estimate)";
  }
  switch (v) {
    case MeasurementVerdict::pass:
      return what + " " + figure(point, spec.unit) + "; " + side_p + " " + conf + " bound " +
             figure(pessimistic, spec.unit) + " " + limit;
    case MeasurementVerdict::fail:
      return "non-conformity shown: " + what + " " + figure(point, spec.unit) + "; even the " + side_o + " " + conf +
             " bound " + figure(optimistic, spec.unit) + " is outside " + limit;
    case MeasurementVerdict::not_demonstrable:
      return "conformity not demonstrated: " + what + " " + figure(point, spec.unit) + "; the " + side_p + " " + conf +
             " bound " + figure(pessimistic, spec.unit) + " is not " + limit;
    case MeasurementVerdict::not_tested: return "no trials";
  }
  return "";
}

MeasurementResult skeleton(const MeasurementSpec& spec, const EvaluationOptions& o) {
  MeasurementResult r;
  r.name = spec.name;
  r.title = spec.title;
  r.unit = spec.unit;
  r.condition = spec.condition;
  r.threshold = spec.threshold;
  r.decision_rule = spec.decision_rule;
  r.planned_trials = o.quick ? spec.planned.quick : spec.planned.full;
  r.required = spec.required;
  return r;
}

void evaluate_rate(const MeasurementSpec& spec, const Measurement& rec, const EvaluationOptions& o, MeasurementResult& r) {
  stats::RateClause rc;
  rc.name = spec.title;
  rc.clause_id = spec.clause_id;
  rc.events = spec.events;
  rc.trials = spec.out_of;
  rc.relation = spec.threshold.op;
  rc.threshold = spec.threshold.value;
  rc.confidence = spec.confidence;
  rc.rule = o.quick ? stats::DecisionRule::simple : stats::parse_decision_rule(spec.rule);

  std::uint64_t events = rec.events, trials = rec.trials;
  if (!rec.persons.empty()) {
    std::uint64_t e = 0, t = 0;
    for (const auto& p : rec.persons) e += p.events, t += p.attempts;
    if (trials != 0 && (e != events || t != trials))
      throw std::invalid_argument(bad(spec, "per-person tallies sum to " + std::to_string(e) + "/" + std::to_string(t) +
                                                ", the recorded counts are " + std::to_string(events) + "/" +
                                                std::to_string(trials)));
    events = e, trials = t;
  }
  if (events > trials)
    throw std::invalid_argument(bad(spec, std::to_string(events) + " events in " + std::to_string(trials) + " trials"));

  const stats::RateMeasurement m = (!rec.persons.empty() && trials > 0)
                                       ? stats::measure_rate(rc, rec.persons, rec.seed)
                                       : stats::measure_rate(rc, events, trials);
  r.verdict = m.verdict;
  r.zone = stats::to_string(m.zone);
  r.trials = m.denominator;
  r.errors = stats::limits_from_above(rc.relation) ? m.numerator : m.denominator - m.numerator;
  r.subjects = rec.subjects ? rec.subjects : rec.persons.size();
  r.additional_clean_trials = m.additional_clean_trials;
  r.statistics = stats::to_json(m);
  if (m.denominator == 0) return;
  r.value = m.point_estimate;
  const bool from_cp = m.decision_bounds == m.bounds;
  r.interval = Bounds{m.decision_bounds.lower, m.decision_bounds.upper, rc.confidence,
                      from_cp ? "clopper-pearson" : "clopper-pearson+subject-bootstrap", "one-sided"};
  r.interval_two_sided = Bounds{m.interval.lower, m.interval.upper, rc.confidence, "clopper-pearson", "two-sided"};
  if (m.bootstrap)
    r.bootstrap = Bounds{m.bootstrap->bounds.lower, m.bootstrap->bounds.upper, m.bootstrap->confidence,
                         "subject-bootstrap-percentile", "one-sided"};
  r.reason = bounded_reason(r.verdict, spec, spec.threshold, m.point_estimate, m.decision_bounds.lower,
                            m.decision_bounds.upper, o.quick, "measured");
  if (r.verdict == MeasurementVerdict::not_demonstrable && m.additional_clean_trials)
    r.reason += "; " + std::to_string(*m.additional_clean_trials) + " further clean trials would demonstrate it";
  if (o.quick) r.decision_rule = "quick run, simple acceptance: " + rc.statement();
}

void evaluate_latency(const MeasurementSpec& spec, const Measurement& rec, const EvaluationOptions& o, MeasurementResult& r) {
  stats::LatencyClause lc;
  lc.name = spec.title;
  lc.clause_id = spec.clause_id;
  lc.limit_ns = std::llround(spec.threshold.value * 1e6);
  lc.rule = o.quick ? stats::LatencyRule::quantile_point : stats::parse_latency_rule(spec.rule);
  lc.q = spec.quantile;
  lc.confidence = spec.confidence;
  const stats::LatencyVerdict v = stats::decide_latency(lc, rec.samples_ns);  // rejects negative samples
  r.verdict = v.verdict;
  r.zone = stats::to_string(v.zone);
  r.trials = v.count;
  r.errors = v.samples_over_limit;
  r.subjects = rec.subjects;
  r.samples_ms = to_ms(rec.samples_ns);
  r.statistics = {{"verdict", stats::to_json(v)}};
  if (v.count == 0) return;
  r.statistics["summary"] = stats::to_json(stats::summarize_latency(rec.samples_ns, spec.confidence));
  const std::string what = "p" + fmt(spec.quantile * 100.0);
  if (v.quantile) {
    const auto& q = *v.quantile;
    r.value = ms(q.value);
    if (q.lower_bound && q.upper_bound)
      r.interval = Bounds{ms(*q.lower_bound), ms(*q.upper_bound), q.confidence, "order-statistic", "one-sided"};
    if (q.lower && q.upper)
      r.interval_two_sided = Bounds{ms(*q.lower), ms(*q.upper), q.confidence, "order-statistic", "two-sided"};
    if (r.interval) {
      r.reason = bounded_reason(r.verdict, spec, spec.threshold, ms(q.value), r.interval->low, r.interval->high,
                                o.quick, what);
    } else if (o.quick || lc.rule == stats::LatencyRule::quantile_point) {
      r.reason = bounded_reason(r.verdict, spec, spec.threshold, ms(q.value), 0, 0, true, what);
    } else {
      r.reason = "conformity not demonstrated: " + what + " " + figure(ms(q.value), "ms") + " from " +
                 std::to_string(v.count) + " samples; an upper bound needs at least " +
                 std::to_string(v.minimum_samples);
    }
  } else if (v.max) {
    r.value = ms(*v.max);
    r.reason = std::to_string(v.samples_over_limit) + " of " + std::to_string(v.count) + " samples over " +
               describe(spec.threshold, "ms") + " (max " + figure(ms(*v.max), "ms") + ")";
  }
  if (o.quick) r.decision_rule = "quick run, simple acceptance: " + lc.statement();
}

void evaluate_rate_comparison(const MeasurementSpec& spec, const Measurement& rec, const EvaluationOptions& o,
                              MeasurementResult& r) {
  for (auto [e, t, side] : {std::tuple{rec.events, rec.trials, "condition"},
                            std::tuple{rec.baseline_events, rec.baseline_trials, "baseline"}})
    if (e > t)
      throw std::invalid_argument(bad(spec, std::string(side) + ": " + std::to_string(e) + " events in " +
                                                std::to_string(t) + " trials"));
  stats::ProportionComparisonClause pc;
  pc.name = spec.title;
  pc.clause_id = spec.clause_id;
  pc.higher_is_better = !stats::limits_from_above(spec.threshold.op);
  pc.margin = std::abs(spec.threshold.value);
  pc.confidence = spec.confidence;
  const auto c = stats::compare_proportions(pc, {rec.baseline_events, rec.baseline_trials}, {rec.events, rec.trials});
  r.verdict = c.verdict;
  r.zone = stats::to_string(c.zone);
  r.trials = rec.trials;
  r.errors = pc.higher_is_better ? rec.trials - rec.events : rec.events;
  r.subjects = rec.subjects;
  r.statistics = stats::to_json(c);
  r.baseline = BaselineFigures{spec.baseline, rec.baseline_events, rec.baseline_trials,
                               rec.baseline_trials ? std::optional<double>(c.baseline_rate) : std::nullopt, {}};
  if (c.verdict == MeasurementVerdict::not_tested) return;
  if (o.quick) {
    const auto d = stats::decide(spec.threshold.op, spec.threshold.value, stats::DecisionRule::simple, c.difference,
                                 c.difference_bounds.lower, c.difference_bounds.upper);
    r.verdict = d.verdict;
    r.zone = stats::to_string(d.zone);
    r.decision_rule = "quick run, simple acceptance: difference " + describe(spec.threshold, spec.unit);
  }
  r.value = c.difference;
  r.interval = Bounds{c.difference_bounds.lower, c.difference_bounds.upper, spec.confidence, "newcombe-hybrid-score",
                      "one-sided"};
  r.interval_two_sided = Bounds{c.difference_interval.lower, c.difference_interval.upper, spec.confidence,
                                "newcombe-hybrid-score", "two-sided"};
  r.reason = bounded_reason(r.verdict, spec, spec.threshold, c.difference, c.difference_bounds.lower,
                            c.difference_bounds.upper, o.quick, spec.condition + " minus " + spec.baseline) +
             "; Fisher exact one-sided p = " + fmt(c.p_value) +
             (c.significantly_worse ? " (significantly worse)" : "");
}

void evaluate_latency_comparison(const MeasurementSpec& spec, const Measurement& rec, const EvaluationOptions& o,
                                 MeasurementResult& r) {
  stats::LatencyComparisonClause lc;
  lc.name = spec.title;
  lc.clause_id = spec.clause_id;
  lc.margin_ns = std::llround(spec.threshold.value * 1e6);
  lc.confidence = spec.confidence;
  lc.seed = rec.seed;
  const auto c = stats::compare_latencies(lc, rec.baseline_samples_ns, rec.samples_ns);
  r.verdict = c.verdict;
  r.zone = stats::to_string(c.zone);
  r.trials = c.condition_count;
  r.subjects = rec.subjects;
  r.samples_ms = to_ms(rec.samples_ns);
  r.statistics = stats::to_json(c);
  r.baseline = BaselineFigures{spec.baseline, 0, c.baseline_count,
                               c.baseline_count ? std::optional<double>(c.baseline_median / 1e6) : std::nullopt,
                               to_ms(rec.baseline_samples_ns)};
  if (c.verdict == MeasurementVerdict::not_tested) return;
  const double diff = c.median_difference / 1e6;
  const double lo = c.difference_bounds.lower / 1e6, hi = c.difference_bounds.upper / 1e6;
  if (o.quick) {
    const auto d = stats::decide(spec.threshold.op, spec.threshold.value, stats::DecisionRule::simple, diff, lo, hi);
    r.verdict = d.verdict;
    r.zone = stats::to_string(d.zone);
    r.decision_rule = "quick run, simple acceptance: median slowdown " + describe(spec.threshold, spec.unit);
  }
  r.value = diff;
  r.interval = Bounds{lo, hi, spec.confidence, "bootstrap-percentile", "one-sided"};
  r.interval_two_sided = Bounds{c.difference_interval.lower / 1e6, c.difference_interval.upper / 1e6, spec.confidence,
                                "bootstrap-percentile", "two-sided"};
  r.reason = bounded_reason(r.verdict, spec, spec.threshold, diff, lo, hi, o.quick,
                            "median slowdown " + spec.condition + " vs " + spec.baseline) +
             "; Mann–Whitney one-sided p = " + fmt(c.test.p_value) +
             (c.significantly_slower ? " (significantly slower)" : "");
}

void evaluate_count(const MeasurementSpec& spec, const Measurement& rec, const EvaluationOptions& o, MeasurementResult& r) {
  r.trials = rec.trials;
  r.subjects = rec.subjects;
  r.statistics = nullptr;
  if (rec.trials == 0) {
    r.reason = "nothing was examined (0 " + spec.out_of + ")";
    return;
  }
  Threshold thr = spec.threshold;
  if (o.quick && spec.quick_threshold) {
    thr.value = *spec.quick_threshold;
    r.threshold = thr;
    r.deviations.push_back("quick run: judged against " + describe(thr, spec.unit) + " instead of the standard's " +
                           describe(spec.threshold, spec.unit) + "; not a claim of the standard's figure");
  }
  const double value = static_cast<double>(rec.events);
  r.value = value;
  const bool from_above = stats::limits_from_above(thr.op);
  r.errors = from_above ? rec.events : (rec.trials > rec.events ? rec.trials - rec.events : 0);
  if (stats::satisfies(thr.op, value, thr.value)) {
    r.verdict = MeasurementVerdict::pass;
    r.zone = "pass";
    r.reason = std::to_string(rec.events) + " " + spec.events + " of " + std::to_string(rec.trials) + " " +
               spec.out_of + ": " + describe(thr, spec.unit);
  } else if (!from_above && static_cast<double>(rec.trials) < thr.value) {
    // A capacity short of its figure because the rig asked for less says nothing about the device.
    r.verdict = MeasurementVerdict::not_demonstrable;
    r.zone = "none";
    r.reason = "capacity not exercised: only " + std::to_string(rec.trials) + " " + spec.out_of + ", " +
               describe(thr, spec.unit) + " needed";
  } else {
    r.verdict = MeasurementVerdict::fail;
    r.zone = "fail";
    r.reason = std::to_string(rec.events) + " " + spec.events + " of " + std::to_string(rec.trials) + " " +
               spec.out_of + "; the limit is " + describe(thr, spec.unit);
  }
}

void evaluate_manual(const MeasurementSpec& spec, const Measurement& rec, MeasurementResult& r) {
  if (!rec.passed) {
    r.reason = "no observation recorded";
    return;
  }
  r.trials = 1;
  r.value = *rec.passed ? 1.0 : 0.0;
  r.errors = *rec.passed ? 0 : 1;
  r.verdict = *rec.passed ? MeasurementVerdict::pass : MeasurementVerdict::fail;
  r.zone = *rec.passed ? "pass" : "fail";
  r.reason = std::string("the lab observed ") + (*rec.passed ? "conformity" : "non-conformity") + ": " + spec.title;
}

bool statistical(MeasurementKind k) { return k != MeasurementKind::count && k != MeasurementKind::manual; }

}  // namespace

MeasurementResult evaluate(const MeasurementSpec& spec, const Measurement* rec, const EvaluationOptions& o) {
  MeasurementResult r = skeleton(spec, o);
  if (!rec) {
    r.reason = spec.required ? "not recorded by any scenario" : spec.not_tested_reason;
    return r;
  }
  switch (spec.kind) {
    case MeasurementKind::rate: evaluate_rate(spec, *rec, o, r); break;
    case MeasurementKind::latency: evaluate_latency(spec, *rec, o, r); break;
    case MeasurementKind::rate_comparison: evaluate_rate_comparison(spec, *rec, o, r); break;
    case MeasurementKind::latency_comparison: evaluate_latency_comparison(spec, *rec, o, r); break;
    case MeasurementKind::count: evaluate_count(spec, *rec, o, r); break;
    case MeasurementKind::manual: evaluate_manual(spec, *rec, r); break;
  }
  r.notes.insert(r.notes.end(), rec->notes.begin(), rec->notes.end());
  r.rig_errors = rec->rig_errors;
  if (rec->rig_errors > 0)
    r.notes.push_back(std::to_string(rec->rig_errors) + " trial(s) the rig could not run, left out of the " +
                      std::to_string(r.trials) + " counted");
  if (r.verdict == MeasurementVerdict::not_tested) {
    if (r.reason.empty()) r.reason = "no trials";
    return r;
  }
  // Verdicts on fewer trials than planned say so (ISO/IEC 17025 §7.8.2.1 deviations).
  const std::uint64_t full = spec.planned.full;
  if (o.quick && statistical(spec.kind)) {
    r.deviations.push_back("quick run: " + std::to_string(r.trials) + " of " + std::to_string(full) +
                           " planned trials, decided by simple acceptance (point estimate) instead of the standard's "
                           "rule; not a certificate claim");
  } else if (r.trials < full && spec.kind != MeasurementKind::manual) {
    r.deviations.push_back((o.quick ? "quick run: rests on " : "rests on ") + std::to_string(r.trials) + " of " +
                           std::to_string(full) + " planned trials");
  }
  return r;
}

MeasurementResult evaluate(const MeasurementSpec& spec, const Measurement& rec, const EvaluationOptions& o) {
  return evaluate(spec, &rec, o);
}

std::ostream& operator<<(std::ostream& os, const MeasurementResult& r) {
  os << r.name;
  if (!r.condition.empty()) os << " [" << r.condition << "]";
  if (r.value) os << " " << figure(*r.value, r.unit);
  os << " (" << r.trials << " trials, " << r.errors << " errors) " << describe(r.threshold, r.unit) << " -> "
     << verdict_text(r.verdict);
  if (!r.reason.empty()) os << ": " << r.reason;
  return os;
}

}  // namespace gaterig::standard
