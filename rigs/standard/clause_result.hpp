#pragma once
// A clause's verdict from its measurements. The rule, in order:
//   ERROR       the rig failed while testing the clause (an error was recorded). Never FAIL for a
//               rig fault: the device was not shown to fail (OpenHTF: ERROR is the station's).
//   NOT TESTED  the clause is manual / out of scope / an optional probe the rig lacks, or no
//               scenario recorded any of its measurements.
//   FAIL        a measurement FAILs (non-conformity shown), or a measurement is NOT DEMONSTRABLE:
//               under the guarded rule a claim holds only when the bound meets the threshold, so
//               conformity that was not demonstrated is not certified. The reason line says which
//               of the two it is ("non-conformity shown" / "conformity not demonstrated").
//   NOT TESTED  some required measurement was not recorded (the clause was tested incompletely;
//               the notes list what was and was not measured).
//   PASS        every required measurement PASSed; optional ones not recorded are deviations.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "rigs/standard/measurement.hpp"
#include "rigs/standard/standard.hpp"

namespace gaterig::standard {

enum class ClauseVerdict { pass, fail, not_tested, error };
std::string to_string(ClauseVerdict v);  // "PASS", "FAIL", "NOT TESTED", "ERROR"
ClauseVerdict parse_clause_verdict(const std::string& s);  // throws std::invalid_argument
std::ostream& operator<<(std::ostream& os, ClauseVerdict v);

struct ClauseResult {
  std::string id;
  std::string title, title_zh;
  ClauseVerdict verdict = ClauseVerdict::not_tested;
  std::string status;         // automatable | optional | manual | out_of_scope
  std::string method;
  std::string decision_rule;  // the clause's rule in words, with each measurement's rule
  std::string terminal_mode;  // test | liveness | n/a
  std::string reason;         // one line: why this verdict
  std::vector<std::string> deviations;
  std::vector<std::string> notes;
  std::optional<std::string> error;
  std::vector<MeasurementResult> measurements;
  friend bool operator==(const ClauseResult&, const ClauseResult&) = default;
};
std::ostream& operator<<(std::ostream& os, const ClauseResult& r);  // "JX-A.2 speed and accuracy: PASS (...)"

// `recorded`: what scenarios recorded for this clause. `error`: what broke, if the rig failed.
// A recording the clause does not declare, or one recorded twice, is the scenario's fault and
// makes the clause ERROR (named in `error`), never a silent NOT TESTED.
ClauseResult evaluate_clause(const Clause& clause, const std::vector<Measurement>& recorded,
                             const std::optional<std::string>& error = std::nullopt,
                             const EvaluationOptions& options = {});

// Every clause of the standard, in the standard's order, with what was recorded for it
// (clause id → recordings, id → error). Clauses nobody recorded are NOT TESTED.
struct ClauseRecordings {
  std::string clause_id;
  std::vector<Measurement> measurements;
  std::optional<std::string> error;
};
std::vector<ClauseResult> evaluate_standard(const Standard& standard, const std::vector<ClauseRecordings>& recorded,
                                            const EvaluationOptions& options = {});

// A run's overall verdict (its exit code): ERROR if any clause is ERROR, else FAIL if any FAILs,
// else PASS if any PASSed (clauses the rig cannot test do not count against it), else NOT TESTED.
ClauseVerdict overall(const std::vector<ClauseResult>& clauses);

}  // namespace gaterig::standard
