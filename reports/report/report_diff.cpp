#include "reports/report/report_diff.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "reports/report/labels.hpp"
#include "reports/statistics/comparison.hpp"

namespace gaterig::report {
namespace {

using Json = nlohmann::json;
namespace st = statistics;

std::string key_of(const Json& clause, const Json& m) {
  return clause["id"].get<std::string>() + "|" + m["name"].get<std::string>() + "|" + m["condition"].get<std::string>();
}

bool higher_is_better(const Json& m) {
  if (m["threshold"].is_object()) {
    const auto op = m["threshold"]["op"].get<std::string>();
    return op == ">" || op == ">=";
  }
  const auto n = m["name"].get<std::string>();
  return n.find("pass") != std::string::npos || n.find("recognition_rate") != std::string::npos;
}

int rank(const std::string& v) { return v == "PASS" ? 2 : v == "FAIL" ? 0 : 1; }

std::vector<std::int64_t> samples_ns(const Json& m) {
  std::vector<std::int64_t> out;
  for (const auto& s : m["samples_ms"]) out.push_back(static_cast<std::int64_t>(std::llround(s.get<double>() * 1e6)));
  return out;
}

std::string fmt(double v, int precision = 3) {
  std::ostringstream o;
  o.precision(precision);
  o << v;
  return o.str();
}

}  // namespace

bool ReportDiff::worse() const { return !worse_clauses().empty(); }

std::vector<std::string> ReportDiff::worse_clauses() const {
  std::set<std::string> ids;
  for (const auto& c : clauses)
    if (c.kind == "worse") ids.insert(c.clause);
  for (const auto& m : metrics)
    if (m.significantly_worse) ids.insert(m.clause);
  return {ids.begin(), ids.end()};
}

ReportDiff diff_reports(const Json& base, const Json& cand, const DiffOptions& options) {
  ReportDiff d;
  d.alpha = options.alpha;
  d.baseline_id = base["report"]["id"].get<std::string>();
  d.new_id = cand["report"]["id"].get<std::string>();
  d.baseline_terminal = base["terminal"];
  d.new_terminal = cand["terminal"];
  d.firmware_changed = base["terminal"]["firmware_hash"] != cand["terminal"]["firmware_hash"] ||
                       base["terminal"]["firmware_version"] != cand["terminal"]["firmware_version"];
  d.device_changed = base["terminal"]["vendor"] != cand["terminal"]["vendor"] || base["terminal"]["model"] != cand["terminal"]["model"];
  d.standard_changed = base["standard"]["id"] != cand["standard"]["id"] || base["standard"]["version"] != cand["standard"]["version"] ||
                       base["standard"]["sha256"] != cand["standard"]["sha256"];

  std::map<std::string, const Json*> base_clauses, cand_clauses;
  std::vector<std::string> order;
  for (const auto& c : base["clauses"]) {
    base_clauses[c["id"].get<std::string>()] = &c;
    order.push_back(c["id"].get<std::string>());
  }
  for (const auto& c : cand["clauses"]) {
    cand_clauses[c["id"].get<std::string>()] = &c;
    if (!base_clauses.count(c["id"].get<std::string>())) order.push_back(c["id"].get<std::string>());
  }

  for (const auto& id : order) {
    const Json* b = base_clauses.count(id) ? base_clauses[id] : nullptr;
    const Json* n = cand_clauses.count(id) ? cand_clauses[id] : nullptr;
    ClauseChange ch;
    ch.clause = id;
    ch.title = (b ? *b : *n)["title"].get<std::string>();
    ch.baseline_verdict = b ? (*b)["verdict"].get<std::string>() : "";
    ch.new_verdict = n ? (*n)["verdict"].get<std::string>() : "";
    if (!b) ch.kind = "added";
    else if (!n) ch.kind = "removed";
    else {
      for (const char* k : {"method", "decision_rule", "terminal_mode"})
        if ((*b)[k] != (*n)[k]) ch.changed.push_back(k);
      const auto& bv = ch.baseline_verdict;
      const auto& nv = ch.new_verdict;
      if (bv == nv) ch.kind = "same";
      else if (nv == "FAIL") ch.kind = "worse";
      else if (bv == "FAIL" && nv == "PASS") ch.kind = "better";
      else if (nv == "ERROR" || nv == "NOT TESTED" || bv == "ERROR" || bv == "NOT TESTED") ch.kind = "no result";
      else ch.kind = rank(nv) < rank(bv) ? "worse" : "better";
    }
    if (b && n) {
      // Metrics of the clause present on both sides.
      std::map<std::string, const Json*> bm;
      for (const auto& m : (*b)["measurements"]) bm[key_of(*b, m)] = &m;
      for (const auto& m : (*n)["measurements"]) {
        const auto it = bm.find(key_of(*n, m));
        if (it == bm.end()) continue;
        const Json& o = *it->second;
        if (o["threshold"] != m["threshold"])
          ch.changed.push_back("threshold of " + m["name"].get<std::string>() + " [" + m["condition"].get<std::string>() + "]");
        MetricChange mc;
        mc.clause = id;
        mc.name = m["name"].get<std::string>();
        mc.condition = m["condition"].get<std::string>();
        mc.unit = m["unit"].get<std::string>();
        mc.baseline_value = o["value"];
        mc.new_value = m["value"];
        const bool up_good = higher_is_better(m);
        const bool derived = mc.name.find("difference") != std::string::npos;
        if ((mc.unit == "ratio" || mc.unit == "%") && !derived && o["value"].is_number() && m["value"].is_number() &&
            o["trials"].get<double>() > 0 && m["trials"].get<double>() > 0) {
          const double scale = mc.unit == "%" ? 0.01 : 1.0;
          const auto tb = static_cast<std::uint64_t>(o["trials"].get<double>());
          const auto tn = static_cast<std::uint64_t>(m["trials"].get<double>());
          const st::ProportionSample sb{static_cast<std::uint64_t>(std::llround(o["value"].get<double>() * scale * tb)), tb};
          const st::ProportionSample sn{static_cast<std::uint64_t>(std::llround(m["value"].get<double>() * scale * tn)), tn};
          mc.test = "fisher-exact-one-sided";
          mc.p_value = st::fisher_exact_one_sided(sb, sn, up_good);
          const auto iv = st::newcombe_difference(sb, sn, 0.95);
          mc.worse_direction = up_good ? (sn.successes * tb < sb.successes * tn) : (sn.successes * tb > sb.successes * tn);
          // Appended piece by piece: a long operator+ chain trips GCC 12's false -Wrestrict.
          const double diff_pp = (static_cast<double>(sn.successes) / static_cast<double>(tn) -
                                  static_cast<double>(sb.successes) / static_cast<double>(tb)) * 100;
          mc.detail = std::to_string(sb.successes) + "/" + std::to_string(tb);
          mc.detail += " → " + std::to_string(sn.successes) + "/" + std::to_string(tn);
          mc.detail += "; difference " + fmt(diff_pp) + " pp";
          mc.detail += ", Newcombe 95 % [" + fmt(iv.lower * 100) + ", " + fmt(iv.upper * 100) + "] pp";
          ++d.tested_metrics;
        } else if ((mc.unit == "ms" || mc.unit == "s") && o.contains("samples_ms") && m.contains("samples_ms") &&
                   !o["samples_ms"].empty() && !m["samples_ms"].empty()) {
          const auto xb = samples_ns(o), xn = samples_ns(m);
          const auto mw = st::mann_whitney_slower(xb, xn);
          mc.test = mw.exact ? "mann-whitney-exact-one-sided" : "mann-whitney-normal-one-sided";
          mc.p_value = mw.p_value;
          auto median = [](std::vector<std::int64_t> v) {
            std::sort(v.begin(), v.end());
            return v.size() % 2 ? static_cast<double>(v[v.size() / 2]) : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2.0;
          };
          const double mb = median(xb) / 1e6, mn = median(xn) / 1e6;
          mc.worse_direction = mn > mb;
          mc.detail = "median " + fmt(mb, 4) + " ms → " + fmt(mn, 4) + " ms (n " + std::to_string(xb.size()) + " → " +
                      std::to_string(xn.size()) + "), U = " + fmt(mw.u, 6);
          ++d.tested_metrics;
        } else {
          mc.test = derived ? "none (derived from other metrics)" : "none (exact tally or no samples)";
          if (o["value"].is_number() && m["value"].is_number())
            mc.worse_direction = up_good ? m["value"].get<double>() < o["value"].get<double>()
                                         : m["value"].get<double>() > o["value"].get<double>();
          // A tally is not a sample: it is worse when its verdict got worse.
          mc.significantly_worse = rank(m["verdict"].get<std::string>()) < rank(o["verdict"].get<std::string>()) &&
                                   m["verdict"] == "FAIL";
          mc.detail = "verdict " + o["verdict"].get<std::string>() + " → " + m["verdict"].get<std::string>();
        }
        d.metrics.push_back(mc);
      }
    }
    d.clauses.push_back(ch);
  }

  // Holm–Bonferroni step-down over the tested metrics.
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < d.metrics.size(); ++i)
    if (d.metrics[i].p_value) idx.push_back(i);
  std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return *d.metrics[a].p_value < *d.metrics[b].p_value; });
  double running = 0.0;
  const double m = static_cast<double>(idx.size());
  for (std::size_t k = 0; k < idx.size(); ++k) {
    auto& mc = d.metrics[idx[k]];
    running = std::max(running, std::min(1.0, (m - static_cast<double>(k)) * *mc.p_value));
    mc.p_adjusted = running;
    mc.significantly_worse = running < options.alpha;
  }
  return d;
}

Json ReportDiff::to_json() const {
  Json cl = Json::array(), ms = Json::array();
  for (const auto& c : clauses)
    cl.push_back({{"clause", c.clause}, {"title", c.title},
                  {"baseline_verdict", c.baseline_verdict.empty() ? Json(nullptr) : Json(c.baseline_verdict)},
                  {"new_verdict", c.new_verdict.empty() ? Json(nullptr) : Json(c.new_verdict)}, {"kind", c.kind},
                  {"changed", c.changed}});
  for (const auto& m : metrics)
    ms.push_back({{"clause", m.clause}, {"name", m.name}, {"condition", m.condition}, {"unit", m.unit},
                  {"baseline_value", m.baseline_value}, {"new_value", m.new_value}, {"test", m.test},
                  {"p_value", m.p_value ? Json(*m.p_value) : Json(nullptr)},
                  {"p_adjusted", m.p_adjusted ? Json(*m.p_adjusted) : Json(nullptr)}, {"detail", m.detail},
                  {"worse_direction", m.worse_direction}, {"significantly_worse", m.significantly_worse}});
  return {{"schema", kDiffSchema},
          {"baseline", {{"report_id", baseline_id}, {"terminal", baseline_terminal}}},
          {"new", {{"report_id", new_id}, {"terminal", new_terminal}}},
          {"firmware_changed", firmware_changed},
          {"device_changed", device_changed},
          {"standard_changed", standard_changed},
          {"method",
           {{"rates", "Fisher exact test, one-sided towards worse"},
            {"latencies", "Mann-Whitney U, one-sided towards slower"},
            {"multiplicity", "Holm-Bonferroni over the tested metrics"},
            {"alpha", alpha},
            {"tested_metrics", tested_metrics}}},
          {"clauses", cl},
          {"metrics", ms},
          {"worse", worse()},
          {"worse_clauses", worse_clauses()}};
}

std::string ReportDiff::to_text() const {
  std::ostringstream o;
  auto who = [](const Json& t) {
    return t["vendor"].get<std::string>() + " " + t["model"].get<std::string>() + " firmware " + t["firmware_version"].get<std::string>();
  };
  o << "baseline " << baseline_id << ": " << who(baseline_terminal) << "\n";
  o << "new      " << new_id << ": " << who(new_terminal) << "\n";
  if (device_changed) o << "DEVICE CHANGED: the two reports are of different terminal models\n";
  if (firmware_changed)
    o << "FIRMWARE CHANGED: " << baseline_terminal["firmware_version"].get<std::string>() << " (sha256 "
      << baseline_terminal["firmware_hash"].get<std::string>().substr(0, 12) << "…) → " << new_terminal["firmware_version"].get<std::string>()
      << " (sha256 " << new_terminal["firmware_hash"].get<std::string>().substr(0, 12) << "…)\n";
  else
    o << "firmware: same (" << new_terminal["firmware_version"].get<std::string>() << ")\n";
  if (standard_changed) o << "STANDARD CHANGED: the reports were judged against different standard profiles\n";
  o << "\nclauses that changed:\n";
  bool any = false;
  for (const auto& c : clauses) {
    if (c.kind == "same" && c.changed.empty()) continue;
    any = true;
    o << "  " << c.clause << " " << c.title << ": " << (c.baseline_verdict.empty() ? "-" : c.baseline_verdict) << " → "
      << (c.new_verdict.empty() ? "-" : c.new_verdict) << "  (" << c.kind << ")";
    for (const auto& w : c.changed) o << "; " << w << " changed";
    o << "\n";
  }
  if (!any) o << "  none\n";
  o << "\nmetrics significantly worse (one-sided: Fisher exact for rates, Mann-Whitney U for latencies; Holm-Bonferroni over "
    << tested_metrics << " tested metrics, family alpha " << alpha << "):\n";
  any = false;
  for (const auto& m : metrics) {
    if (!m.significantly_worse) continue;
    any = true;
    o << "  " << m.clause << " " << m.name << " [" << m.condition << "]: " << format_value(m.baseline_value, m.unit) << " → "
      << format_value(m.new_value, m.unit) << "  " << m.detail;
    if (m.p_value) o << "; p = " << fmt(*m.p_value) << ", adjusted " << fmt(*m.p_adjusted);
    o << "\n";
  }
  if (!any) o << "  none\n";
  const auto wc = worse_clauses();
  o << "\n" << (wc.empty() ? "result: NOT WORSE" : "result: WORSE in");
  for (const auto& c : wc) o << " " << c;
  o << "\n";
  return o.str();
}

}  // namespace gaterig::report
