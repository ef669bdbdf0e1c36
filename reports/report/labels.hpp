#pragma once
// The words a clerk reads: bilingual labels (中文 first, English second, as Chinese test reports
// print them) and figures formatted with their units.
#include <string>

#include <nlohmann/json.hpp>

namespace gaterig::report {

struct Label {
  std::string zh, en;
  std::string both() const { return zh + " " + en; }
};

Label verdict_label(const std::string& verdict);  // "PASS" -> {"符合", "PASS"}
Label measurement_label(const std::string& name);  // "false_accept_rate" -> {"误识率", "false-accept rate"}
Label condition_label(const std::string& condition);  // "back" -> {"逆光", "backlight"}
Label mode_label(const std::string& mode);         // "test" -> {"测试模式（活体检测关闭）", "test mode (liveness off)"}

// 0.00993608 "ratio" -> "0.99 %"; 1019.2 "ms" -> "1019.2 ms"; 9988 "count" -> "9988".
std::string format_value(const nlohmann::json& value, const std::string& unit);
// A measurement's value next to its limit, with enough digits that rounding never makes a bound
// look equal to the limit it misses.
std::string format_value_near(const nlohmann::json& value, const std::string& unit, const nlohmann::json& threshold);
// {"op": "<=", "value": 0.01}, "ratio" -> "≤ 1 %"
std::string format_threshold(const nlohmann::json& threshold, const std::string& unit);
// "[0 %, 0.99 %] 95 % clopper-pearson"
// A one-sided bound of a rate (the bound a guarded verdict uses) prints as "≥ 99.5 %" / "≤ 0.99 %".
std::string format_interval(const nlohmann::json& interval, const std::string& unit, const nlohmann::json& threshold);
// "单侧 one-sided, clopper-pearson" for a one-sided bound, else the interval's method.
std::string format_interval_method(const nlohmann::json& interval, const std::string& unit, const nlohmann::json& threshold);

}  // namespace gaterig::report
