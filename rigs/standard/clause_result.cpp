#include "rigs/standard/clause_result.hpp"

#include <set>
#include <stdexcept>

namespace gaterig::standard {

std::string to_string(ClauseVerdict v) {
  switch (v) {
    case ClauseVerdict::pass: return "PASS";
    case ClauseVerdict::fail: return "FAIL";
    case ClauseVerdict::not_tested: return "NOT TESTED";
    case ClauseVerdict::error: return "ERROR";
  }
  return "?";
}

ClauseVerdict parse_clause_verdict(const std::string& s) {
  for (auto v : {ClauseVerdict::pass, ClauseVerdict::fail, ClauseVerdict::not_tested, ClauseVerdict::error})
    if (to_string(v) == s) return v;
  throw std::invalid_argument("expected PASS, FAIL, NOT TESTED or ERROR, found \"" + s + "\"");
}

std::ostream& operator<<(std::ostream& os, ClauseVerdict v) { return os << to_string(v); }

std::ostream& operator<<(std::ostream& os, const ClauseResult& r) {
  os << r.id << " " << r.title << ": " << to_string(r.verdict);
  if (!r.reason.empty()) os << " (" << r.reason << ")";
  return os;
}

namespace {

std::string declared(const Clause& c) {
  std::string out;
  for (const auto& m : c.measurements) out += (out.empty() ? "" : ", ") + m.label();
  return out.empty() ? "none" : out;
}

std::string clause_rule(const Clause& c, const EvaluationOptions& o) {
  std::string out = o.quick ? "Quick run: each measurement by simple acceptance (point estimate); "
                            : "Guarded acceptance: ";
  out += "PASS when every required measurement passes, FAIL when one fails or is not demonstrated";
  for (const auto& m : c.measurements) {
    out += "; " + m.label() + ": " + m.decision_rule;
    if (!m.required) out += " (optional)";
  }
  return out;
}

// The scenario's mistakes (a name the clause does not declare, a measurement recorded twice) are
// errors of the test, not of the device.
std::optional<std::string> recording_problem(const Clause& clause, const std::vector<Measurement>& recorded) {
  std::set<const MeasurementSpec*> seen;
  for (const auto& rec : recorded) {
    const MeasurementSpec* spec = clause.find(rec.name, rec.condition);
    if (!spec)
      return "a scenario recorded " + (rec.condition.empty() ? rec.name : rec.name + " [" + rec.condition + "]") +
             ", which " + clause.id + " does not declare (declared: " + declared(clause) + ")";
    if (!seen.insert(spec).second) return "a scenario recorded " + spec->label() + " twice";
  }
  return std::nullopt;
}

const Measurement* recording_for(const Clause& clause, const MeasurementSpec& spec, const std::vector<Measurement>& recorded) {
  for (const auto& rec : recorded)
    if (clause.find(rec.name, rec.condition) == &spec) return &rec;
  return nullptr;
}

}  // namespace

ClauseResult evaluate_clause(const Clause& clause, const std::vector<Measurement>& recorded,
                             const std::optional<std::string>& error, const EvaluationOptions& options) {
  ClauseResult r;
  r.id = clause.id;
  r.title = clause.title;
  r.title_zh = clause.title_zh;
  r.status = to_string(clause.status);
  r.method = clause.method;
  r.terminal_mode = clause.terminal_mode;
  r.decision_rule = clause_rule(clause, options);
  r.error = error;
  if (!r.error) r.error = recording_problem(clause, recorded);

  for (const auto& spec : clause.measurements) {
    const Measurement* rec = recording_for(clause, spec, recorded);
    try {
      r.measurements.push_back(evaluate(spec, rec, options));
    } catch (const std::invalid_argument& e) {
      // Counts that contradict themselves (events > trials, negative latencies) are a broken
      // instrument or correlator: the rig's fault.
      if (!r.error) r.error = e.what();
      r.measurements.push_back(evaluate(spec, nullptr, options));
    }
  }

  if (r.error) {
    r.verdict = ClauseVerdict::error;
    r.reason = "the rig failed: " + *r.error;
    r.notes.push_back("verdict withheld: an ERROR says nothing about the terminal; the measurements recorded "
                      "before the fault are listed for diagnosis only");
    return r;
  }

  const bool any_recorded = !recorded.empty();
  if (clause.status != ClauseStatus::automatable && !any_recorded) {
    r.verdict = ClauseVerdict::not_tested;
    r.reason = clause.not_tested_reason;
    return r;
  }
  if (!any_recorded) {
    r.verdict = ClauseVerdict::not_tested;
    r.reason = "no scenario recorded a measurement of " + clause.id;
    return r;
  }

  std::vector<std::string> failed, undemonstrated, missing;
  for (const auto& m : r.measurements) {
    const std::string label = m.condition.empty() ? m.name : m.name + " [" + m.condition + "]";
    for (const auto& d : m.deviations) r.deviations.push_back(label + ": " + d);
    switch (m.verdict) {
      case MeasurementVerdict::fail: failed.push_back(label + ": " + m.reason); break;
      case MeasurementVerdict::not_demonstrable: undemonstrated.push_back(label + ": " + m.reason); break;
      case MeasurementVerdict::not_tested:
        if (m.required) missing.push_back(label);
        else r.deviations.push_back(label + ": not tested (" + m.reason + ")");
        break;
      case MeasurementVerdict::pass: break;
    }
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
    return out;
  };
  if (!failed.empty() || !undemonstrated.empty()) {
    r.verdict = ClauseVerdict::fail;
    if (!failed.empty()) r.reason = "non-conformity shown: " + join(failed);
    if (!undemonstrated.empty())
      r.reason += std::string(r.reason.empty() ? "" : "; ") +
                  "conformity not demonstrated (guarded rule: a claim holds only when its bound meets the "
                  "threshold): " + join(undemonstrated);
  } else if (!missing.empty()) {
    r.verdict = ClauseVerdict::not_tested;
    r.reason = "tested incompletely: not recorded: " + join(missing);
    r.notes.push_back("the measurements that were recorded are listed; the clause is not claimed");
  } else {
    r.verdict = ClauseVerdict::pass;
    r.reason = "every required measurement passed";
  }
  if (options.quick)
    r.notes.push_back("quick run: verdicts by simple acceptance on reduced trials; not a certificate claim");
  return r;
}

std::vector<ClauseResult> evaluate_standard(const Standard& standard, const std::vector<ClauseRecordings>& recorded,
                                            const EvaluationOptions& options) {
  for (const auto& rec : recorded)
    if (!standard.find(rec.clause_id))
      throw std::invalid_argument("recordings for clause '" + rec.clause_id + "', which standard " + standard.id +
                                  " does not have");
  std::vector<ClauseResult> out;
  for (const auto& clause : standard.clauses) {
    std::vector<Measurement> ms;
    std::optional<std::string> error;
    for (const auto& rec : recorded) {
      if (rec.clause_id != clause.id) continue;
      ms.insert(ms.end(), rec.measurements.begin(), rec.measurements.end());
      if (rec.error) error = error ? *error + "; " + *rec.error : *rec.error;
    }
    out.push_back(evaluate_clause(clause, ms, error, options));
  }
  return out;
}

ClauseVerdict overall(const std::vector<ClauseResult>& clauses) {
  bool any_pass = false, any_fail = false;
  for (const auto& c : clauses) {
    if (c.verdict == ClauseVerdict::error) return ClauseVerdict::error;
    any_fail = any_fail || c.verdict == ClauseVerdict::fail;
    any_pass = any_pass || c.verdict == ClauseVerdict::pass;
  }
  if (any_fail) return ClauseVerdict::fail;
  return any_pass ? ClauseVerdict::pass : ClauseVerdict::not_tested;
}

}  // namespace gaterig::standard
