#include "reports/statistics/decision.hpp"

#include <stdexcept>

namespace gaterig::statistics {

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "PASS";
    case Verdict::fail: return "FAIL";
    case Verdict::not_demonstrable: return "NOT_DEMONSTRABLE";
    case Verdict::not_tested: return "NOT_TESTED";
  }
  return "?";
}

Verdict parse_verdict(const std::string& s) {
  for (Verdict v : {Verdict::pass, Verdict::fail, Verdict::not_demonstrable, Verdict::not_tested})
    if (to_string(v) == s) return v;
  throw std::invalid_argument("verdict: expected PASS, FAIL, NOT_DEMONSTRABLE or NOT_TESTED, got \"" + s + "\"");
}

std::ostream& operator<<(std::ostream& os, Verdict v) { return os << to_string(v); }

std::string to_string(Relation r) {
  switch (r) {
    case Relation::at_most: return "<=";
    case Relation::below: return "<";
    case Relation::at_least: return ">=";
    case Relation::above: return ">";
  }
  return "?";
}

std::string symbol(Relation r) {
  switch (r) {
    case Relation::at_most: return "≤";
    case Relation::below: return "<";
    case Relation::at_least: return "≥";
    case Relation::above: return ">";
  }
  return "?";
}

Relation parse_relation(const std::string& s) {
  if (s == "<=" || s == "≤") return Relation::at_most;
  if (s == "<") return Relation::below;
  if (s == ">=" || s == "≥") return Relation::at_least;
  if (s == ">") return Relation::above;
  throw std::invalid_argument("relation: expected one of <=, <, >=, >, got \"" + s + "\"");
}

bool satisfies(Relation r, double value, double threshold) {
  switch (r) {
    case Relation::at_most: return value <= threshold;
    case Relation::below: return value < threshold;
    case Relation::at_least: return value >= threshold;
    case Relation::above: return value > threshold;
  }
  return false;
}

bool limits_from_above(Relation r) { return r == Relation::at_most || r == Relation::below; }

std::string to_string(DecisionRule r) { return r == DecisionRule::guarded ? "guarded" : "simple"; }

DecisionRule parse_decision_rule(const std::string& s) {
  if (s == "guarded") return DecisionRule::guarded;
  if (s == "simple") return DecisionRule::simple;
  throw std::invalid_argument("decision rule: expected \"guarded\" or \"simple\", got \"" + s + "\"");
}

std::string to_string(Zone z) {
  switch (z) {
    case Zone::pass: return "pass";
    case Zone::conditional_pass: return "conditional_pass";
    case Zone::conditional_fail: return "conditional_fail";
    case Zone::fail: return "fail";
    case Zone::none: return "none";
  }
  return "?";
}

Zone parse_zone(const std::string& s) {
  for (Zone z : {Zone::pass, Zone::conditional_pass, Zone::conditional_fail, Zone::fail, Zone::none})
    if (to_string(z) == s) return z;
  throw std::invalid_argument("zone: expected pass, conditional_pass, conditional_fail, fail or none, got \"" + s + "\"");
}

Decision decide(Relation relation, double threshold, DecisionRule rule, double point, double lower_bound,
                double upper_bound) {
  const bool above = limits_from_above(relation);
  const double pessimistic = above ? upper_bound : lower_bound;
  const double optimistic = above ? lower_bound : upper_bound;
  Decision d;
  if (satisfies(relation, pessimistic, threshold)) d.zone = Zone::pass;
  else if (!satisfies(relation, optimistic, threshold)) d.zone = Zone::fail;
  else if (satisfies(relation, point, threshold)) d.zone = Zone::conditional_pass;
  else d.zone = Zone::conditional_fail;

  if (rule == DecisionRule::simple) {
    d.verdict = satisfies(relation, point, threshold) ? Verdict::pass : Verdict::fail;
  } else {
    d.verdict = d.zone == Zone::pass ? Verdict::pass : d.zone == Zone::fail ? Verdict::fail : Verdict::not_demonstrable;
  }
  return d;
}

Verdict worst_of(const std::vector<Verdict>& parts) {
  bool any_tested = false, all_pass = true;
  for (Verdict v : parts) {
    if (v == Verdict::fail) return Verdict::fail;
    if (v != Verdict::not_tested) any_tested = true;
    if (v != Verdict::pass) all_pass = false;
  }
  if (!any_tested) return Verdict::not_tested;
  return all_pass ? Verdict::pass : Verdict::not_demonstrable;
}

}  // namespace gaterig::statistics
