#pragma once
// Plots as plain marks (lines, rectangles, text) in points, drawn by two backends: inline SVG for
// the HTML page and cairo for the PDF, so both show the same picture of the same numbers.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gaterig::report {

struct Point {
  double x = 0, y = 0;
};

struct Mark {
  enum class Kind { polyline, rect, text, circle };
  Kind kind = Kind::polyline;
  std::vector<Point> points;   // polyline; rect: {top-left, size}; text/circle: {anchor}
  std::string stroke = "none";  // "#rrggbb" or "none"
  std::string fill = "none";
  double width = 1.0;
  bool dashed = false;
  std::string text;             // UTF-8
  double size = 8.0;            // font size (pt) or circle radius
  enum class Anchor { start, middle, end } anchor = Anchor::start;
  bool bold = false;
};

struct Figure {
  std::string caption;  // bilingual, printed under the figure
  double width = 480, height = 200;
  std::vector<Mark> marks;
};

// The figures of one clause of a gaterig.report/1 value: per latency measurement a CDF (all
// conditions) and a histogram per condition; per rate measurement the point with its interval bar
// per condition (APCER: per attack species) and the limit.
std::vector<Figure> clause_figures(const nlohmann::json& clause);

std::string to_svg(const Figure& f);
std::string xml_escape(const std::string& s);  // & < > " for HTML and SVG text

}  // namespace gaterig::report
