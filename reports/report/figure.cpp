#include "reports/report/figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "reports/report/labels.hpp"

namespace gaterig::report {
namespace {

using Json = nlohmann::json;

const char* kAxis = "#444444";
const char* kGrid = "#dddddd";
const char* kLimit = "#c62828";

std::string color_of(const std::string& condition, std::size_t index) {
  static const std::map<std::string, std::string> fixed = {
      {"normal", "#1565c0"}, {"strong", "#ef6c00"}, {"back", "#6a1b9a"}, {"low", "#546e7a"}, {"mask", "#2e7d32"}};
  static const char* cycle[] = {"#1565c0", "#ef6c00", "#6a1b9a", "#2e7d32", "#ad1457", "#00838f", "#5d4037"};
  const auto it = fixed.find(condition);
  return it != fixed.end() ? it->second : cycle[index % 7];
}

std::string num(double v) {
  char buf[32];
  if (std::abs(v - std::round(v)) < 1e-9 * std::max(1.0, std::abs(v))) v = std::round(v);  // 85.00000001 -> 85
  if (std::abs(v) >= 100 || v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::abs(v) >= 1) std::snprintf(buf, sizeof buf, "%.1f", v);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Ticks at 1, 2 or 5 times a power of ten, about `n` of them.
std::vector<double> ticks(double lo, double hi, int n = 5) {
  if (hi <= lo) hi = lo + 1;
  const double raw = (hi - lo) / n;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  double step = p;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p) { step = m * p; break; }
  std::vector<double> t;
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  return t;
}

struct Frame {  // the plot area inside a figure, and its data ranges
  double left = 56, top = 26, right = 16, bottom = 34;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double w = 480, h = 200;
  double px(double x) const { return left + (x - x0) / (x1 - x0) * (w - left - right); }
  double py(double y) const { return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom); }
};

Mark line(Point a, Point b, const std::string& color, double width = 1.0, bool dashed = false) {
  Mark m;
  m.kind = Mark::Kind::polyline;
  m.points = {a, b};
  m.stroke = color;
  m.width = width;
  m.dashed = dashed;
  return m;
}

Mark text(Point at, std::string s, double size = 8, Mark::Anchor anchor = Mark::Anchor::start, bool bold = false,
          std::string color = "#222222") {
  Mark m;
  m.kind = Mark::Kind::text;
  m.points = {at};
  m.text = std::move(s);
  m.size = size;
  m.anchor = anchor;
  m.bold = bold;
  m.fill = std::move(color);
  return m;
}

void axes(Figure& f, const Frame& fr, const std::string& xlabel, const std::string& ylabel, bool x_percent,
          bool y_ticks = true) {
  for (double t : ticks(fr.x0, fr.x1, 6)) {
    f.marks.push_back(line({fr.px(t), fr.py(fr.y0)}, {fr.px(t), fr.py(fr.y1)}, kGrid, 0.5));
    f.marks.push_back(text({fr.px(t), fr.py(fr.y0) + 11}, x_percent ? num(t * 100) + " %" : num(t), 7.5, Mark::Anchor::middle));
  }
  if (y_ticks)
    for (double t : ticks(fr.y0, fr.y1, 4)) {
      f.marks.push_back(line({fr.px(fr.x0), fr.py(t)}, {fr.px(fr.x1), fr.py(t)}, kGrid, 0.5));
      f.marks.push_back(text({fr.left - 4, fr.py(t) + 2.5}, num(t), 7.5, Mark::Anchor::end));
    }
  f.marks.push_back(line({fr.px(fr.x0), fr.py(fr.y0)}, {fr.px(fr.x1), fr.py(fr.y0)}, kAxis, 1));
  f.marks.push_back(line({fr.px(fr.x0), fr.py(fr.y0)}, {fr.px(fr.x0), fr.py(fr.y1)}, kAxis, 1));
  f.marks.push_back(text({(fr.px(fr.x0) + fr.px(fr.x1)) / 2, fr.py(fr.y0) + 26}, xlabel, 8, Mark::Anchor::middle));
  if (!ylabel.empty()) f.marks.push_back(text({6, fr.top - 10}, ylabel, 8));
}

void limit_line_x(Figure& f, const Frame& fr, double x, const std::string& label) {
  if (x < fr.x0 || x > fr.x1) return;
  f.marks.push_back(line({fr.px(x), fr.py(fr.y0)}, {fr.px(x), fr.py(fr.y1)}, kLimit, 1.2, true));
  // Left of the line when there is room, else right of it: the label stays inside the figure.
  const bool left = fr.px(x) - fr.left > 130;
  f.marks.push_back(text({fr.px(x) + (left ? -3 : 3), fr.top - 6}, label, 7.5, left ? Mark::Anchor::end : Mark::Anchor::start,
                         false, kLimit));
}

std::string title_of(const Json& m) {
  const auto l = measurement_label(m["name"].get<std::string>());
  return l.zh.empty() ? l.en : l.zh + " " + l.en;
}

Figure latency_cdf(const std::string& name, const std::vector<const Json*>& ms) {
  Figure f;
  Frame fr;
  fr.w = f.width = 480;
  // The legend goes under the axis: inside the plot it would cross a curve.
  const double legend_h = 12.0 * static_cast<double>(ms.size()) + 4;
  fr.h = f.height = 210 + legend_h;
  fr.bottom = 34 + legend_h;
  double xmax = 0;
  const Json* limit = nullptr;
  for (const auto* m : ms) {
    xmax = std::max(xmax, (*m)["distribution"]["max_ms"].get<double>());
    if ((*m)["threshold"].is_object()) limit = &(*m)["threshold"];
  }
  // Show the limit when it is not far beyond the data; otherwise say where it is.
  bool limit_shown = false;
  if (limit && (*limit)["value"].get<double>() <= xmax * 3) {
    xmax = std::max(xmax, (*limit)["value"].get<double>() * 1.05);
    limit_shown = true;
  }
  fr.x0 = 0;
  fr.x1 = ticks(0, xmax * 1.02, 6).back() < xmax ? xmax * 1.05 : ticks(0, xmax * 1.02, 6).back();
  fr.y0 = 0;
  fr.y1 = 1;
  axes(f, fr, "ms", "", false);
  f.marks.push_back(line({fr.px(fr.x0), fr.py(0.95)}, {fr.px(fr.x1), fr.py(0.95)}, "#888888", 0.8, true));
  f.marks.push_back(text({fr.px(fr.x1) - 2, fr.py(0.95) + 9}, "95 %", 7, Mark::Anchor::end, false, "#666666"));
  if (limit_shown) limit_line_x(f, fr, (*limit)["value"].get<double>(), "限值 limit " + num((*limit)["value"].get<double>()) + " ms");
  std::size_t i = 0;
  double ly = fr.h - legend_h + 6;
  for (const auto* m : ms) {
    const std::string cond = (*m)["condition"].get<std::string>();
    const std::string color = color_of(cond, i++);
    Mark poly;
    poly.kind = Mark::Kind::polyline;
    poly.stroke = color;
    poly.width = 1.4;
    double prev = 0;
    poly.points.push_back({fr.px(0), fr.py(0)});
    for (const auto& p : (*m)["distribution"]["cdf"]) {
      const double x = p[0].get<double>(), y = p[1].get<double>();
      poly.points.push_back({fr.px(x), fr.py(prev)});
      poly.points.push_back({fr.px(x), fr.py(y)});
      prev = y;
    }
    f.marks.push_back(poly);
    const auto cl = condition_label(cond);
    f.marks.push_back(line({fr.left + 10, ly}, {fr.left + 24, ly}, color, 2));
    f.marks.push_back(text({fr.left + 28, ly + 3}, (cl.zh.empty() ? "" : cl.zh + " ") + cl.en + "  p95 " +
                                                       num((*m)["distribution"]["p95_ms"].get<double>()) + " ms  n=" +
                                                       std::to_string((*m)["distribution"]["count"].get<long>()),
                           7.5));
    ly += 11;
  }
  if (limit && !limit_shown)
    f.marks.push_back(text({fr.px(fr.x1), fr.top - 4}, "限值 limit " + num((*limit)["value"].get<double>()) + " ms (beyond the axis)",
                           7.5, Mark::Anchor::end, false, kLimit));
  f.caption = name + " — 累积分布 cumulative distribution (fraction of trials answered within x ms)";
  return f;
}

// x0/x1: the range shared by every condition's histogram, so they can be compared by eye.
Figure latency_histogram(const std::string& name, const Json& m, std::size_t index, double x0, double x1) {
  Figure f;
  Frame fr;
  fr.w = f.width = 235;
  fr.h = f.height = 150;
  fr.left = 40;
  const auto& h = m["distribution"]["histogram"];
  const auto& edges = h["edges_ms"];
  const auto& counts = h["counts"];
  double cmax = 1;
  for (const auto& c : counts) cmax = std::max(cmax, c.get<double>());
  fr.x0 = x0;
  fr.x1 = x1;
  if (fr.x1 <= fr.x0) fr.x1 = fr.x0 + 1;
  fr.y0 = 0;
  fr.y1 = cmax * 1.1;
  const std::string cond = m["condition"].get<std::string>();
  const std::string color = color_of(cond, index);
  for (std::size_t i = 0; i + 1 < edges.size() && i < counts.size(); ++i) {
    Mark r;
    r.kind = Mark::Kind::rect;
    const double xa = fr.px(edges[i].get<double>()), xb = fr.px(edges[i + 1].get<double>());
    const double yt = fr.py(counts[i].get<double>());
    r.points = {{xa, yt}, {std::max(0.5, xb - xa - 0.6), fr.py(0) - yt}};
    r.fill = color;
    f.marks.push_back(r);
  }
  axes(f, fr, "ms", "trials", false);
  const auto cl = condition_label(cond);
  f.marks.push_back(text({fr.w - 4, 12}, (cl.zh.empty() ? "" : cl.zh + " ") + cl.en, 8, Mark::Anchor::end, true, color));
  f.caption = name + " — 直方图 histogram, " + (cl.zh.empty() ? "" : cl.zh + " ") + cl.en;
  return f;
}

Figure rate_intervals(const std::string& name, const std::vector<const Json*>& ms, bool species) {
  Figure f;
  Frame fr;
  fr.w = f.width = 480;
  fr.left = 120;
  fr.right = 96;  // the measured value and verdict of each row, beside the plot
  fr.top = 30;
  fr.h = f.height = 30 + 34 + 22.0 * static_cast<double>(ms.size());
  const std::string unit = (*ms.front())["unit"].get<std::string>();
  const double scale = unit == "%" ? 0.01 : 1.0;  // plot in fractions
  double lo = 1, hi = 0;
  const Json* limit = nullptr;
  for (const auto* m : ms) {
    for (const char* k : {"low", "high"})
      if ((*m)["interval"].is_object() && (*m)["interval"][k].is_number()) {
        lo = std::min(lo, (*m)["interval"][k].get<double>() * scale);
        hi = std::max(hi, (*m)["interval"][k].get<double>() * scale);
      }
    if ((*m)["value"].is_number()) {
      lo = std::min(lo, (*m)["value"].get<double>() * scale);
      hi = std::max(hi, (*m)["value"].get<double>() * scale);
    }
    if ((*m)["threshold"].is_object()) limit = &(*m)["threshold"];
  }
  if (limit) {
    lo = std::min(lo, (*limit)["value"].get<double>() * scale);
    hi = std::max(hi, (*limit)["value"].get<double>() * scale);
  }
  const double pad = std::max((hi - lo) * 0.08, 0.001);
  fr.x0 = lo - pad;
  fr.x1 = hi + pad;
  if (lo >= 0 && fr.x0 < 0) fr.x0 = 0;
  if (hi <= 1 && fr.x1 > 1 && lo >= 0) fr.x1 = 1;
  fr.y0 = 0;
  fr.y1 = static_cast<double>(ms.size());
  axes(f, fr, "", "", true, false);
  if (limit) {
    const double t = (*limit)["value"].get<double>() * scale;
    limit_line_x(f, fr, t, "限值 limit " + format_threshold(*limit, unit));
  }
  std::size_t i = 0;
  for (const auto* m : ms) {
    const std::string cond = (*m)["condition"].get<std::string>();
    const std::string color = (*m)["verdict"] == "PASS" ? "#1565c0" : (*m)["verdict"] == "FAIL" ? kLimit : "#ef6c00";
    const double y = fr.py(static_cast<double>(ms.size() - i) - 0.5);
    const auto cl = condition_label(cond);
    f.marks.push_back(text({fr.left - 6, y + 3}, cl.zh.empty() ? cl.en : cl.zh + " " + cl.en, 8, Mark::Anchor::end));
    if ((*m)["interval"].is_object() && (*m)["interval"]["low"].is_number() && (*m)["interval"]["high"].is_number()) {
      const double a = fr.px((*m)["interval"]["low"].get<double>() * scale);
      const double b = fr.px((*m)["interval"]["high"].get<double>() * scale);
      f.marks.push_back(line({a, y}, {b, y}, color, 2));
      f.marks.push_back(line({a, y - 5}, {a, y + 5}, color, 1.5));
      f.marks.push_back(line({b, y - 5}, {b, y + 5}, color, 1.5));
    }
    if ((*m)["value"].is_number()) {
      Mark c;
      c.kind = Mark::Kind::circle;
      c.points = {{fr.px((*m)["value"].get<double>() * scale), y}};
      c.size = 3.2;
      c.fill = color;
      f.marks.push_back(c);
      f.marks.push_back(text({fr.px(fr.x1) + 8, y + 3}, format_value_near((*m)["value"], unit, (*m)["threshold"]) + "  " +
                                                             (*m)["verdict"].get<std::string>(),
                             7.5, Mark::Anchor::start, true, color));
    }
    ++i;
  }
  f.caption = name + (species ? " — 各攻击类型 per attack species" : " — 各条件 per condition") +
              ": 点 = 测量值 point = measured, 横线 = 95 % 置信区间 bar = 95 % confidence interval";
  return f;
}

}  // namespace

std::vector<Figure> clause_figures(const Json& clause) {
  std::vector<Figure> out;
  // Group measurements by name, keeping their order of first appearance.
  std::vector<std::string> names;
  std::map<std::string, std::vector<const Json*>> by;
  for (const auto& m : clause["measurements"]) {
    const auto n = m["name"].get<std::string>();
    if (!by.count(n)) names.push_back(n);
    by[n].push_back(&m);
  }
  for (const auto& n : names) {
    const auto& ms = by[n];
    const std::string unit = (*ms.front())["unit"].get<std::string>();
    if (unit == "ms" || unit == "s") {
      std::vector<const Json*> with;
      for (const auto* m : ms)
        if ((*m).contains("distribution") && (*m)["distribution"].is_object()) with.push_back(m);
      if (with.empty()) continue;
      out.push_back(latency_cdf(title_of(*with.front()), with));
      double x0 = 1e300, x1 = -1e300;
      for (const auto* m : with) {
        x0 = std::min(x0, (*m)["distribution"]["histogram"]["edges_ms"].front().get<double>());
        x1 = std::max(x1, (*m)["distribution"]["histogram"]["edges_ms"].back().get<double>());
      }
      std::size_t i = 0;
      for (const auto* m : with) out.push_back(latency_histogram(title_of(*m), *m, i++, x0, x1));
    } else if (unit == "ratio" || unit == "%") {
      out.push_back(rate_intervals(title_of(*ms.front()), ms, n.rfind("apcer", 0) == 0));
    }
  }
  return out;
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string to_svg(const Figure& f) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  // Inline in HTML5: no namespace attribute needed (and no URL in a self-contained page).
  s << "<svg width=\"" << f.width << "\" height=\"" << f.height
    << "\" viewBox=\"0 0 " << f.width << " " << f.height << "\" role=\"img\" aria-label=\"" << xml_escape(f.caption)
    << "\" font-family=\"'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif\">";
  for (const auto& m : f.marks) {
    switch (m.kind) {
      case Mark::Kind::polyline:
        s << "<polyline fill=\"none\" stroke=\"" << m.stroke << "\" stroke-width=\"" << m.width << "\""
          << (m.dashed ? " stroke-dasharray=\"4 3\"" : "") << " points=\"";
        for (const auto& p : m.points) s << p.x << "," << p.y << " ";
        s << "\"/>";
        break;
      case Mark::Kind::rect:
        s << "<rect x=\"" << m.points[0].x << "\" y=\"" << m.points[0].y << "\" width=\"" << m.points[1].x
          << "\" height=\"" << m.points[1].y << "\" fill=\"" << m.fill << "\"/>";
        break;
      case Mark::Kind::circle:
        s << "<circle cx=\"" << m.points[0].x << "\" cy=\"" << m.points[0].y << "\" r=\"" << m.size << "\" fill=\""
          << m.fill << "\"/>";
        break;
      case Mark::Kind::text:
        s << "<text x=\"" << m.points[0].x << "\" y=\"" << m.points[0].y << "\" font-size=\"" << m.size << "\" fill=\""
          << (m.fill == "none" ? "#222222" : m.fill) << "\""
          << (m.anchor == Mark::Anchor::middle ? " text-anchor=\"middle\"" : m.anchor == Mark::Anchor::end ? " text-anchor=\"end\"" : "")
          << (m.bold ? " font-weight=\"bold\"" : "") << ">" << xml_escape(m.text) << "</text>";
        break;
    }
  }
  s << "</svg>";
  return s.str();
}

}  // namespace gaterig::report
