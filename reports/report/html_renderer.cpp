#include "reports/report/html_renderer.hpp"

#include <sstream>

#include "reports/report/figure.hpp"
#include "reports/report/labels.hpp"

namespace gaterig::report {
namespace {

using Json = nlohmann::json;

std::string e(const Json& v) {
  if (v.is_null()) return "—";
  if (v.is_string()) return xml_escape(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "yes 是" : "no 否";
  return xml_escape(v.dump());
}
std::string e(const std::string& s) { return xml_escape(s); }

std::string verdict_badge(const std::string& v, bool large = false) {
  const auto l = verdict_label(v);
  std::string cls = v == "PASS" ? "pass" : v == "FAIL" ? "fail" : v == "ERROR" ? "error" : "nt";
  return "<span class=\"badge " + cls + (large ? " large" : "") + "\">" + e(l.zh) + " " + e(l.en) + "</span>";
}

std::string th(const std::string& zh, const std::string& en) { return "<th>" + e(zh) + "<br><small>" + e(en) + "</small></th>"; }

void row(std::ostringstream& o, const std::string& zh, const std::string& en, const std::string& html_value) {
  o << "<tr><th scope=\"row\">" << e(zh) << " <small>" << e(en) << "</small></th><td>" << html_value << "</td></tr>\n";
}

const char* kCss = R"(
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;color:#1a1a1a;max-width:60rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45;font-size:14px}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.2rem;border-bottom:2px solid #1a1a1a;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.6rem 0 .4rem}small{color:#555;font-weight:normal}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem}td,th{border:1px solid #bbb;padding:.25rem .45rem;vertical-align:top;text-align:left}
th{background:#f1f3f5;font-weight:600}th[scope=row]{width:16rem}
.mono{font-family:'DejaVu Sans Mono',monospace;font-size:12px;word-break:break-all}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:.25rem;font-weight:700;white-space:nowrap}
.pass{background:#e3f2e5;color:#1b5e20;border:1px solid #1b5e20}.fail{background:#fdecea;color:#b71c1c;border:1px solid #b71c1c}
.error{background:#fff3e0;color:#e65100;border:1px solid #e65100}.nt{background:#eceff1;color:#37474f;border:1px solid #78909c}
.large{font-size:1.4rem;padding:.2rem .8rem}.head{display:flex;justify-content:space-between;align-items:flex-start;border-bottom:3px double #1a1a1a;padding-bottom:.6rem}
.statement{font-size:1.05rem;margin:.6rem 0}figure{margin:.6rem 0;display:inline-block;vertical-align:top}
figcaption{font-size:12px;color:#444;max-width:480px}.note{color:#444}.clause{page-break-inside:avoid}
@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}}
)";

void measurements_table(std::ostringstream& o, const Json& ms) {
  o << "<table><tr>" << th("测量项", "measurement") << th("条件", "condition") << th("测量值", "measured")
    << th("95 % 置信区间或界限", "95 % interval or bound") << th("限值", "limit") << th("试验次数", "trials") << th("人数", "persons")
    << th("结论", "verdict") << "</tr>\n";
  for (const auto& m : ms) {
    const auto unit = m["unit"].get<std::string>();
    const auto ml = measurement_label(m["name"].get<std::string>());
    const auto cl = condition_label(m["condition"].get<std::string>());
    o << "<tr><td>" << e(ml.zh) << (ml.zh.empty() ? "" : "<br>") << "<small>" << e(ml.en)
      << (m.contains("statistic") ? " (" + e(m["statistic"]) + ")" : "") << "</small></td><td>" << e(cl.zh)
      << (cl.zh.empty() ? "" : "<br>") << "<small>" << e(cl.en) << "</small></td><td>"
      << e(format_value_near(m["value"], unit, m["threshold"])) << "</td><td>"
      << e(format_interval(m["interval"], unit, m["threshold"]));
    if (m["interval"].is_object()) o << "<br><small>" << e(format_interval_method(m["interval"], unit, m["threshold"])) << "</small>";
    if (m["bootstrap"].is_object())
      o << "<br><small>by-person bootstrap " << e(format_interval(m["bootstrap"], unit, m["threshold"])) << "</small>";
    o << "</td><td>" << e(format_threshold(m["threshold"], unit)) << "</td><td>" << e(m["trials"])
      << (m.contains("rig_errors") && m["rig_errors"].is_number() && m["rig_errors"].get<double>() > 0
              ? "<br><small>rig errors " + e(m["rig_errors"]) + "</small>"
              : "")
      << "</td><td>" << e(m["subjects"]) << "</td><td>" << verdict_badge(m["verdict"].get<std::string>()) << "</td></tr>\n";
  }
  o << "</table>\n";
}

void list(std::ostringstream& o, const std::string& zh, const std::string& en, const Json& items) {
  if (!items.is_array() || items.empty()) return;
  o << "<p><b>" << e(zh) << " " << e(en) << ":</b></p><ul>";
  for (const auto& i : items) o << "<li>" << e(i) << "</li>";
  o << "</ul>\n";
}

}  // namespace

std::string render_html(const Json& r) {
  std::ostringstream o;
  const auto& rep = r["report"];
  const auto& t = r["terminal"];
  const auto& s = r["summary"];
  o << "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>检测报告 Test report " << e(rep["id"]) << "</title>\n<style>" << kCss << "</style>\n</head>\n<body>\n";

  o << "<div class=\"head\"><div><div>" << e(r["lab"]["name"]) << "</div><h1>检测报告 <small>Test report</small></h1>"
    << "<div>" << e(t["vendor"]) << " " << e(t["model"]) << " · " << e(r["standard"]["title"]) << "</div></div>"
    << "<div style=\"text-align:right\"><div>报告编号 <small>Report No.</small></div><div class=\"mono\" style=\"font-size:1.1rem\"><b>"
    << e(rep["id"]) << "</b></div><div>签发日期 <small>Issued</small> " << e(rep["issued"]) << "</div></div></div>\n";

  o << "<h2>检测结论 <small>Result</small></h2>\n<p>" << verdict_badge(s["verdict"].get<std::string>(), true) << "</p>\n"
    << "<p class=\"statement\">" << e(s["statement"]["zh"]) << "<br>" << e(s["statement"]["en"]) << "</p>\n";
  o << "<table><tr>" << th("条款", "clause") << th("名称", "title") << th("结论", "verdict") << th("终端模式", "terminal mode")
    << "</tr>\n";
  for (const auto& c : r["clauses"]) {
    const auto ml = mode_label(c["terminal_mode"].get<std::string>());
    o << "<tr><td><a href=\"#" << e(c["id"]) << "\">" << e(c["id"]) << "</a></td><td>" << e(c["title_zh"]) << "<br><small>"
      << e(c["title"]) << "</small></td><td>" << verdict_badge(c["verdict"].get<std::string>()) << "</td><td>" << e(ml.zh)
      << "<br><small>" << e(ml.en) << "</small></td></tr>\n";
  }
  o << "</table>\n";

  o << "<h2>基本信息 <small>General information</small></h2>\n<table>\n";
  row(o, "报告编号", "report number", "<span class=\"mono\">" + e(rep["id"]) + "</span>");
  row(o, "检测机构", "laboratory", e(r["lab"]["name"]) + "<br>" + e(r["lab"]["address"]) + "<br>" + e(r["lab"]["accreditation"]));
  row(o, "依据标准", "standard", e(r["standard"]["title"]) + " (" + e(r["standard"]["id"]) + ", " + e(r["standard"]["version"]) +
                                  ")<br><small>profile sha256 <span class=\"mono\">" + e(r["standard"]["sha256"]) + "</span></small>");
  row(o, "检测日期", "tested", e(r["dates"]["tested_from"]) + " — " + e(r["dates"]["tested_to"]));
  row(o, "签发日期", "issued", e(rep["issued"]));
  o << "</table>\n<h3>被检设备 <small>Item tested</small></h3>\n<table>\n";
  row(o, "制造商", "vendor", e(t["vendor"]));
  row(o, "型号", "model", e(t["model"]));
  row(o, "固件版本", "firmware version", e(t["firmware_version"]));
  row(o, "固件哈希", "firmware hash (SHA-256)", "<span class=\"mono\">" + e(t["firmware_hash"]) + "</span>");
  row(o, "序列号", "serial number", e(t["serial"]));
  if (!t["profile"].is_null()) row(o, "模拟终端配置", "simulated terminal profile", e(t["profile"]));
  o << "</table>\n<h3>检测系统与校准 <small>Rig and calibration</small></h3>\n<table>\n";
  const auto& rig = r["rig"];
  row(o, "检测台", "rig", e(rig["name"]) + " (" + e(rig["kind"]) + ") — " + e(rig["description"]) +
                             "<br><small>sha256 <span class=\"mono\">" + e(rig["sha256"]) + "</span></small>");
  row(o, "光子时间", "photon time", e(rig["calibration"]["photon_method"]) + "; panel latency " +
                                        e(rig["calibration"]["panel_latency_ms"]) + " ms");
  row(o, "校准有效期", "calibration due", e(rig["calibration"]["due"]));
  const auto& fx = r["fixture_set"];
  row(o, "样本集", "fixture set", e(fx["name"]) + " — " + e(fx["source"]) + "<br>" + e(fx["persons"]) + " persons 人, " +
                                     e(fx["impostors"]) + " impostors 冒用者, " + e(fx["presentations"]) + " presentations 次呈现" +
                                     "<br><small>manifest sha256 <span class=\"mono\">" + e(fx["manifest_sha256"]) + "</span></small>");
  const auto& run = r["run"];
  row(o, "检测运行", "run", "<span class=\"mono\">" + e(run["id"]) + "</span><br>seed " + e(run["seed"]) + ", quick " +
                               e(run["quick"]) + ", resumed " + e(run["resumed"]) + ", " + e(run["gaterig_version"]) +
                               "<br><span class=\"mono\">" + e(run["command"]) + "</span>");
  o << "</table>\n<h3>环境条件 <small>Environment</small></h3>\n<table><tr>" << th("条件", "condition") << th("照度", "illuminance")
    << th("读取时间", "read at") << "</tr>\n";
  for (const auto& l : r["environment"]["lux"]) {
    const auto cl = condition_label(l["condition"].get<std::string>());
    o << "<tr><td>" << e(cl.zh) << " <small>" << e(cl.en) << "</small></td><td>" << e(format_value(l["lux"], "count"))
      << " lx</td><td>" << e(l["at"]) << "</td></tr>\n";
  }
  o << "</table>\n<p>温度 <small>temperature</small>: "
    << (r["environment"]["temperature_c"].is_null() ? std::string("未记录 <small>not recorded</small>") : e(r["environment"]["temperature_c"]) + " °C")
    << "</p>\n";

  o << "<h2>偏离 <small>Deviations from the method</small></h2>\n";
  if (r["deviations"].empty()) o << "<p>无 <small>none</small></p>\n";
  else {
    o << "<ul>";
    for (const auto& d : r["deviations"]) o << "<li>" << e(d) << "</li>";
    o << "</ul>\n";
  }

  o << "<h2>各条款检测结果 <small>Results by clause</small></h2>\n";
  for (const auto& c : r["clauses"]) {
    o << "<section class=\"clause\" id=\"" << e(c["id"]) << "\"><h3>" << e(c["id"]) << " " << e(c["title_zh"]) << " <small>"
      << e(c["title"]) << "</small> " << verdict_badge(c["verdict"].get<std::string>()) << "</h3>\n";
    if (!c["method"].get<std::string>().empty())
      o << "<p><b>方法 Method:</b> " << e(c["method"]) << "</p>\n";
    if (!c["decision_rule"].get<std::string>().empty())
      o << "<p><b>判定规则 Decision rule:</b> " << e(c["decision_rule"]) << "</p>\n";
    const auto ml = mode_label(c["terminal_mode"].get<std::string>());
    o << "<p><b>终端模式 Terminal mode:</b> " << e(ml.zh) << " / " << e(ml.en) << "</p>\n";
    if (!c["error"].is_null()) o << "<p class=\"badge error\">检测异常 rig error: " << e(c["error"]) << "</p>\n";
    if (!c["trial_groups"].empty()) {
      o << "<table><tr>" << th("试验组", "trial group") << th("条件", "condition") << th("终端模式", "terminal mode")
        << th("次数", "trials") << th("计划", "plan (seed, sha256)") << "</tr>\n";
      for (const auto& g : c["trial_groups"])
        o << "<tr><td>" << e(g["id"]) << "</td><td>" << e(g["condition"]) << "</td><td>" << e(g["terminal_mode"]) << "</td><td>"
          << e(g["trials"]) << "</td><td class=\"mono\">" << e(g["plan_seed"]) << ", " << e(g["plan_sha256"].get<std::string>().substr(0, 16))
          << "…</td></tr>\n";
      o << "</table>\n";
    }
    if (!c["measurements"].empty()) measurements_table(o, c["measurements"]);
    list(o, "偏离", "deviations", c["deviations"]);
    list(o, "说明", "notes", c["notes"]);
    for (const auto& f : clause_figures(c))
      o << "<figure>" << to_svg(f) << "<figcaption>" << e(f.caption) << "</figcaption></figure>\n";
    o << "</section>\n";
  }

  o << "<h2>证据文件 <small>Evidence</small></h2>\n<table><tr>" << th("文件", "file") << th("内容", "content")
    << th("字节", "bytes") << th("SHA-256", "digest") << "</tr>\n";
  for (const auto& ev : r["evidence"]) {
    o << "<tr><td class=\"mono\">" << e(ev["path"]) << "</td><td>" << e(ev["what"]);
    if (ev["ids_masked_on_copy"].get<bool>()) o << "<br><small>ID numbers masked in this copy; source sha256 " << e(ev["source_sha256"]) << "</small>";
    if (!ev["withheld"].is_null()) o << "<br><small>" << e(ev["withheld"]) << "</small>";
    o << "</td><td>" << e(ev["bytes"]) << "</td><td class=\"mono\">" << e(ev["sha256"]) << "</td></tr>\n";
  }
  o << "</table>\n";

  o << "<h2>签名与隐私 <small>Signature and privacy</small></h2>\n<table>\n";
  if (r["signing"].is_null())
    row(o, "签名", "signature", "未签名 <small>not signed</small>");
  else
    row(o, "签名", "signature", e(r["signing"]["algorithm"]) + ", key <span class=\"mono\">" + e(r["signing"]["key_fingerprint"]) +
                                   "</span><br><small>verify: <span class=\"mono\">gaterig report verify &lt;report folder&gt; --pubkey &lt;lab key&gt;.pub</span></small>");
  row(o, "身份证号", "ID numbers", e(r["privacy"]["id_numbers"]));
  row(o, "人脸图像", "face images", e(r["privacy"]["faces"]));
  row(o, "生成", "generated by", e(rep["generator"]));
  o << "</table>\n<p style=\"text-align:center\">— 报告结束 <small>end of report</small> " << e(rep["id"]) << " —</p>\n</body>\n</html>\n";
  return o.str();
}

}  // namespace gaterig::report
