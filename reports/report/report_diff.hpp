#pragma once
// The bureau's audit: a field device's report against its certified baseline. Which clauses
// changed verdict, which metrics got significantly worse (a stated one-sided test per metric,
// Holm–Bonferroni over all tested metrics so that comparing twenty figures does not raise a false
// alarm one time in three), and whether the firmware or the device changed.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gaterig::report {

inline constexpr const char* kDiffSchema = "gaterig.report-diff/1";

struct DiffOptions {
  double alpha = 0.05;  // family-wise, one-sided
};

struct ClauseChange {
  std::string clause, title;
  std::string baseline_verdict, new_verdict;  // "" when the clause is absent on that side
  std::string kind;  // "worse", "better", "no result" (ERROR / NOT TESTED on one side), "added", "removed", "same"
  std::vector<std::string> changed;  // "method", "decision_rule", "terminal_mode", "threshold of pass_rate [back]"
};

struct MetricChange {
  std::string clause, name, condition, unit;
  nlohmann::json baseline_value, new_value;  // as reported
  std::string test;                          // "fisher-exact-one-sided", "mann-whitney-one-sided", "none (exact tally)"
  std::optional<double> p_value, p_adjusted;
  std::string detail;                        // counts, medians, difference interval
  bool worse_direction = false;              // the figure moved the bad way
  bool significantly_worse = false;          // adjusted p < alpha (tallies: verdict got worse)
};

struct ReportDiff {
  std::string baseline_id, new_id;
  nlohmann::json baseline_terminal, new_terminal;
  bool firmware_changed = false, device_changed = false, standard_changed = false;
  std::vector<ClauseChange> clauses;
  std::vector<MetricChange> metrics;
  std::size_t tested_metrics = 0;
  double alpha = 0.05;

  bool worse() const;
  std::vector<std::string> worse_clauses() const;  // clause ids named by a worse verdict or metric
  nlohmann::json to_json() const;
  std::string to_text() const;
};

ReportDiff diff_reports(const nlohmann::json& baseline, const nlohmann::json& candidate, const DiffOptions& options = {});

}  // namespace gaterig::report
