#include "probes/wiegand/encoder.hpp"

#include <stdexcept>
#include <string>

namespace gaterig::wiegand {

std::ostream& operator<<(std::ostream& os, const PulseTiming& t) {
  return os << "PulseTiming(width " << static_cast<double>(t.width.count()) / 1000.0 << " us, interval "
            << static_cast<double>(t.interval.count()) / 1000.0 << " us)";
}

WiegandEncoder::WiegandEncoder(PulseTiming timing) : timing_(timing) {
  if (timing.width.count() <= 0) throw std::invalid_argument("pulse width must be positive");
  if (timing.width >= timing.interval)
    throw std::invalid_argument("pulse width must be shorter than the pulse interval");
}

std::vector<Edge> WiegandEncoder::edges(std::string_view bits, MonoNs start) const {
  std::vector<Edge> out;
  out.reserve(bits.size() * 2);
  MonoNs t = start;
  for (std::size_t i = 0; i < bits.size(); ++i) {
    const char c = bits[i];
    if (c != '0' && c != '1')
      throw std::invalid_argument("bit " + std::to_string(i + 1) + " is '" + std::string(1, c) +
                                  "', expected '0' or '1'");
    const Line line = c == '0' ? Line::d0 : Line::d1;
    out.push_back({line, false, t});
    out.push_back({line, true, t + timing_.width.count()});
    t += timing_.interval.count();
  }
  return out;
}

std::chrono::nanoseconds WiegandEncoder::duration(std::size_t bits) const {
  if (bits == 0) return std::chrono::nanoseconds(0);
  return timing_.interval * static_cast<long>(bits - 1) + timing_.width;
}

std::ostream& operator<<(std::ostream& os, const WiegandEncoder& e) {
  return os << "WiegandEncoder(" << e.timing() << ")";
}

}  // namespace gaterig::wiegand
