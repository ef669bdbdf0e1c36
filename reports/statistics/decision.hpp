#pragma once
// How a measured figure with confidence bounds becomes a conformity statement
// (ISO/IEC 17025 §7.1.3 and §7.8.6; ILAC-G8:09/2019 decision rules).
#include <ostream>
#include <string>
#include <vector>

namespace gaterig::statistics {

// What a certificate may say about one clause. Only PASS is a claim; FAIL says the device is
// shown not to conform; NOT_DEMONSTRABLE says the evidence cannot settle it either way (too few
// trials); NOT_TESTED says there were no trials. A broken station is not a verdict here: the rig
// reports ERROR itself and never hands such a run to the statistics.
enum class Verdict { pass, fail, not_demonstrable, not_tested };
std::string to_string(Verdict v);  // "PASS", "FAIL", "NOT_DEMONSTRABLE", "NOT_TESTED"
Verdict parse_verdict(const std::string& s);
std::ostream& operator<<(std::ostream& os, Verdict v);

// The limit's direction: FAR "≤ 1 %" is at_most, pass rate "> 99 %" is above.
enum class Relation { at_most, below, at_least, above };
std::string to_string(Relation r);  // "<=", "<", ">=", ">"
std::string symbol(Relation r);     // "≤", "<", "≥", ">"
Relation parse_relation(const std::string& s);  // accepts "<=", "≤", "<", ">=", "≥", ">"
bool satisfies(Relation r, double value, double threshold);
// at_most/below limit the figure from above, so their pessimistic bound is the upper one.
bool limits_from_above(Relation r);

// guarded: PASS only when the pessimistic one-sided bound at the stated confidence is inside
//          the limit, FAIL only when the optimistic bound is outside; otherwise NOT_DEMONSTRABLE.
//          (ILAC-G8 guarded acceptance with the guard band = the confidence bound; the risk of a
//          false PASS is at most 1 - confidence.) The default: certificates use it.
// simple:  PASS when the point estimate is inside the limit, FAIL otherwise (ILAC-G8 simple
//          acceptance, shared risk: a false PASS can be likely near the limit). For self-checks.
enum class DecisionRule { guarded, simple };
std::string to_string(DecisionRule r);  // "guarded", "simple"
DecisionRule parse_decision_rule(const std::string& s);

// ILAC-G8 §4.2.3 non-binary zones, reported beside the verdict so a reader sees where the point
// estimate lies when the verdict is NOT_DEMONSTRABLE.
enum class Zone { pass, conditional_pass, conditional_fail, fail, none };
std::string to_string(Zone z);  // "pass", "conditional_pass", "conditional_fail", "fail", "none"
Zone parse_zone(const std::string& s);

struct Decision {
  Verdict verdict = Verdict::not_tested;
  Zone zone = Zone::none;
};

// The one function every verdict in this library goes through (rates, planner, latencies,
// comparisons), so that a plan and the verdict it plans for cannot disagree.
// lower_bound/upper_bound are one-sided bounds at the stated confidence.
Decision decide(Relation relation, double threshold, DecisionRule rule, double point, double lower_bound,
                double upper_bound);

// One verdict for a clause measured in parts, where the worst part counts (ISO/IEC 30107-3: APCER
// per attack-instrument species, the worst species decides). FAIL if any part fails; otherwise
// NOT_TESTED if no part was tested; otherwise PASS only if every part passes (an untested or
// undecided species leaves the clause NOT_DEMONSTRABLE). No parts: NOT_TESTED.
Verdict worst_of(const std::vector<Verdict>& parts);

}  // namespace gaterig::statistics
