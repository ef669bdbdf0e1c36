#include "probes/wiegand/edge.hpp"

#include <cstdio>

namespace gaterig::wiegand {

std::string_view to_string(Line line) {
  switch (line) {
    case Line::d0: return "d0";
    case Line::d1: return "d1";
    case Line::photodiode: return "photodiode";
    case Line::relay: return "relay";
  }
  return "?";
}

std::optional<Line> parse_line(std::string_view text) {
  for (Line l : {Line::d0, Line::d1, Line::photodiode, Line::relay})
    if (text == to_string(l)) return l;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, Line line) { return os << to_string(line); }

std::string format_mono(MonoNs at) {
  const char* sign = at < 0 ? "-" : "";
  const auto mag = static_cast<unsigned long long>(at < 0 ? -at : at);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%09llu s", sign, mag / 1'000'000'000ULL,
                mag % 1'000'000'000ULL);
  return buf;
}

std::ostream& operator<<(std::ostream& os, const Edge& e) {
  os << e.line << (e.rising ? " rising at " : " falling at ") << format_mono(e.at);
  if (e.after_loss) os << " after loss";
  return os;
}

std::ostream& operator<<(std::ostream& os, const EdgeSource& source) {
  return os << "EdgeSource(" << source.describe() << ")";
}

std::ostream& operator<<(std::ostream& os, const EdgeSink& sink) {
  return os << "EdgeSink(" << sink.describe() << ")";
}

}  // namespace gaterig::wiegand
