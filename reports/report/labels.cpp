#include "reports/report/labels.hpp"

#include <cmath>
#include <cstdio>
#include <map>

namespace gaterig::report {
namespace {

std::string trimmed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string with_unit(double v, const std::string& unit, int decimals) {
  if (unit == "ratio") return trimmed(v * 100.0, decimals) + " %";
  if (unit == "%") return trimmed(v, decimals) + " %";
  if (unit == "count") return trimmed(v, 0);
  if (unit == "ms") return trimmed(v, 1) + " ms";
  if (unit == "s") return trimmed(v, 3) + " s";
  return trimmed(v, decimals) + " " + unit;
}

}  // namespace

Label verdict_label(const std::string& v) {
  static const std::map<std::string, Label> m = {{"PASS", {"符合", "PASS"}},
                                                 {"FAIL", {"不符合", "FAIL"}},
                                                 {"NOT TESTED", {"未检测", "NOT TESTED"}},
                                                 {"ERROR", {"检测异常", "ERROR"}},
                                                 {"NOT DEMONSTRABLE", {"无法判定", "NOT DEMONSTRABLE"}}};
  const auto it = m.find(v);
  return it == m.end() ? Label{v, v} : it->second;
}

Label measurement_label(const std::string& name) {
  static const std::map<std::string, Label> m = {
      {"pass_rate", {"通过率", "pass rate"}},
      {"false_accept_rate", {"误识率", "false-accept rate (FAR)"}},
      {"false_reject_rate", {"拒识率", "false-reject rate (FRR)"}},
      {"recognition_time", {"识别时间", "recognition time"}},
      {"recognition_rate", {"识别率", "recognition rate"}},
      {"enrollment_failure_rate", {"注册失败率", "failure-to-enrol rate (FTE)"}},
      {"mask_flag_rate", {"口罩标记率", "mask flag in records"}},
      {"apcer", {"攻击呈现分类错误率", "APCER"}},
      {"bpcer", {"真人呈现分类错误率", "BPCER"}},
      {"upload_latency", {"上传时延", "upload latency"}},
      {"enrolled_faces", {"已注册人脸数", "faces enrolled"}},
      {"records_lost", {"丢失记录数", "records lost"}},
      {"records_duplicated", {"重复记录数", "records duplicated"}},
      {"records_time_shifted", {"时间被改动的记录数", "records with a shifted time"}},
      {"passages_without_helmet", {"未戴安全帽放行次数", "passages without a helmet"}},
      {"records_uploaded", {"已上传记录数", "records uploaded"}},
      {"pass_rate_difference_vs_normal", {"通过率差（相对正常光照）", "pass rate difference vs normal light"}},
      {"wiegand_frames_bad_parity", {"韦根帧校验错误数", "Wiegand frames with bad parity"}},
      {"card_mismatches", {"卡号不符次数", "card number mismatches"}},
      {"output_on_refusal", {"拒绝时仍有输出次数", "outputs on a refusal"}}};
  const auto it = m.find(name);
  if (it != m.end()) return it->second;
  std::string en = name;
  for (auto& c : en)
    if (c == '_') c = ' ';
  return {"", en};
}

Label condition_label(const std::string& c) {
  static const std::map<std::string, Label> m = {
      {"normal", {"正常光照", "normal light"}}, {"strong", {"强光", "strong light"}}, {"back", {"逆光", "backlight"}},
      {"low", {"弱光", "low light"}},           {"mask", {"戴口罩", "masked"}},        {"no-helmet", {"未戴安全帽", "no helmet"}},
      {"print", {"打印照片", "printed photo"}}, {"screen_replay", {"屏幕翻拍", "screen replay"}},
      {"video", {"视频回放", "video replay"}}};
  const auto it = m.find(c);
  return it == m.end() ? Label{"", c} : it->second;
}

Label mode_label(const std::string& mode) {
  if (mode == "test") return {"测试模式（活体检测关闭）", "test mode (liveness off)"};
  if (mode == "liveness") return {"活体检测开启", "liveness on"};
  return {"不适用", "n/a"};
}

std::string format_value(const nlohmann::json& value, const std::string& unit) {
  if (!value.is_number()) return "—";
  return with_unit(value.get<double>(), unit, 2);
}

std::string format_value_near(const nlohmann::json& value, const std::string& unit, const nlohmann::json& threshold) {
  if (!value.is_number()) return "—";
  const double v = value.get<double>();
  int decimals = 2;
  if (threshold.is_object() && threshold["value"].is_number()) {
    const double t = threshold["value"].get<double>();
    while (decimals < 6 && v != t && with_unit(v, unit, decimals) == with_unit(t, unit, decimals)) ++decimals;
  }
  return with_unit(v, unit, decimals);
}

std::string format_threshold(const nlohmann::json& threshold, const std::string& unit) {
  if (!threshold.is_object()) return "—";
  static const std::map<std::string, std::string> sym = {{"<=", "≤"}, {"<", "<"}, {">=", "≥"}, {">", ">"}};
  const auto op = threshold["op"].get<std::string>();
  const auto it = sym.find(op);
  return (it == sym.end() ? op : it->second) + " " + with_unit(threshold["value"].get<double>(), unit, 4);
}

std::string format_interval(const nlohmann::json& iv, const std::string& unit, const nlohmann::json& threshold) {
  if (!iv.is_object()) return "—";
  // A one-sided bound (the one a guarded verdict is decided on) is printed as the bound it is,
  // not as an interval reaching 0 % or 100 %.
  const double top = unit == "%" ? 100.0 : 1.0;
  if ((unit == "ratio" || unit == "%") && threshold.is_object() && iv["low"].is_number() && iv["high"].is_number()) {
    const auto op = threshold["op"].get<std::string>();
    if ((op == ">" || op == ">=") && iv["high"].get<double>() >= top && iv["low"].get<double>() > 0) {
      std::string out = "≥ ";
      out += format_value_near(iv["low"], unit, threshold);
      return out;
    }
    if ((op == "<" || op == "<=") && iv["low"].get<double>() <= 0) {
      std::string out = "≤ ";
      out += format_value_near(iv["high"], unit, threshold);
      return out;
    }
  }
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on a chain of operator+ here.
  std::string out = "[";
  out += format_value_near(iv["low"], unit, threshold);
  out += ", ";
  out += format_value_near(iv["high"], unit, threshold);
  out += "]";
  return out;
}

}  // namespace gaterig::report

namespace gaterig::report {

std::string format_interval_method(const nlohmann::json& iv, const std::string& unit, const nlohmann::json& threshold) {
  if (!iv.is_object()) return "";
  const std::string shown = format_interval(iv, unit, threshold);
  const bool one_sided = shown.rfind("≤", 0) == 0 || shown.rfind("≥", 0) == 0;
  return (one_sided ? "单侧 one-sided, " : "") + iv["method"].get<std::string>();
}

}  // namespace gaterig::report
