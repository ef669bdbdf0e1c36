#include "probes/wiegand/frame.hpp"

#include <sstream>
#include <stdexcept>

namespace gaterig::wiegand {

std::string_view to_string(Format f) {
  switch (f) {
    case Format::raw: return "raw";
    case Format::wg26: return "wg26";
    case Format::wg34: return "wg34";
  }
  return "?";
}

std::optional<Format> parse_format(std::string_view text) {
  for (Format f : {Format::raw, Format::wg26, Format::wg34})
    if (text == to_string(f)) return f;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, Format f) { return os << to_string(f); }

std::ostream& operator<<(std::ostream& os, const Finding& f) {
  return os << f.rule << ": " << f.message;
}

bool WiegandFrame::has(std::string_view rule_id) const {
  for (const auto& f : findings)
    if (f.rule == rule_id) return true;
  return false;
}

namespace {
template <typename T>
Json opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

template <typename T>
std::optional<T> get_opt(const Json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<T>();
}

template <typename T>
T get_req(const Json& j, const char* key) {
  if (!j.contains(key))
    throw std::invalid_argument(std::string("wiegand frame: missing field '") + key + "'");
  return j.at(key).get<T>();
}
}  // namespace

Json WiegandFrame::to_json() const {
  Json findings_json = Json::array();
  for (const auto& f : findings) findings_json.push_back({{"rule", f.rule}, {"message", f.message}});
  return Json{{"index", index},
              {"format", std::string(to_string(format))},
              {"bit_count", bits.size()},
              {"bits", bits},
              {"facility", opt(facility)},
              {"card", opt(card)},
              {"data", opt(data)},
              {"parity_even_ok", opt(parity_even_ok)},
              {"parity_odd_ok", opt(parity_odd_ok)},
              {"first_edge_ns", first_edge},
              {"last_edge_ns", last_edge},
              {"edge_count", edge_count},
              {"width_min_ns", opt(width_min_ns)},
              {"width_max_ns", opt(width_max_ns)},
              {"interval_min_ns", opt(interval_min_ns)},
              {"interval_max_ns", opt(interval_max_ns)},
              {"ok", ok()},
              {"findings", findings_json}};
}

WiegandFrame WiegandFrame::from_json(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("wiegand frame: not a JSON object");
  WiegandFrame f;
  try {
    f.index = get_req<std::uint64_t>(j, "index");
    const auto fmt = get_req<std::string>(j, "format");
    const auto parsed = parse_format(fmt);
    if (!parsed)
      throw std::invalid_argument("wiegand frame: field 'format' is '" + fmt +
                                  "', expected raw, wg26 or wg34");
    f.format = *parsed;
    f.bits = get_req<std::string>(j, "bits");
    if (f.bits.find_first_not_of("01") != std::string::npos)
      throw std::invalid_argument("wiegand frame: field 'bits' must hold only '0' and '1'");
    f.facility = get_opt<std::uint32_t>(j, "facility");
    f.card = get_opt<std::uint32_t>(j, "card");
    f.data = get_opt<std::uint32_t>(j, "data");
    f.parity_even_ok = get_opt<bool>(j, "parity_even_ok");
    f.parity_odd_ok = get_opt<bool>(j, "parity_odd_ok");
    f.first_edge = get_req<MonoNs>(j, "first_edge_ns");
    f.last_edge = get_req<MonoNs>(j, "last_edge_ns");
    f.edge_count = get_opt<std::size_t>(j, "edge_count").value_or(0);
    f.width_min_ns = get_opt<std::int64_t>(j, "width_min_ns");
    f.width_max_ns = get_opt<std::int64_t>(j, "width_max_ns");
    f.interval_min_ns = get_opt<std::int64_t>(j, "interval_min_ns");
    f.interval_max_ns = get_opt<std::int64_t>(j, "interval_max_ns");
    if (j.contains("findings")) {
      for (const auto& fj : j.at("findings"))
        f.findings.push_back({get_req<std::string>(fj, "rule"), get_req<std::string>(fj, "message")});
    }
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("wiegand frame: wrong type: ") + e.what());
  }
  return f;
}

Event WiegandFrame::to_event() const {
  return Event{first_edge, std::string(kEventSource), std::string(kFrameEventKind), to_json()};
}

WiegandFrame WiegandFrame::from_event(const Event& e) {
  if (e.kind != kFrameEventKind)
    throw std::invalid_argument("wiegand frame: event kind is '" + e.kind + "', expected '" +
                                std::string(kFrameEventKind) + "'");
  return from_json(e.payload);
}

std::ostream& operator<<(std::ostream& os, const WiegandFrame& f) {
  os << "#" << f.index << " ";
  if (f.format == Format::raw) {
    os << "raw";
  } else {
    os << (f.format == Format::wg26 ? "WG26" : "WG34");
    if (f.facility) os << " facility " << *f.facility;
    if (f.card) os << " card " << *f.card;
  }
  os << " (" << f.bits.size() << " bits, first edge " << format_mono(f.first_edge) << ")";
  if (f.findings.empty()) return os << " OK";
  os << "; findings:";
  for (std::size_t i = 0; i < f.findings.size(); ++i)
    os << (i ? ", " : " ") << f.findings[i].rule;
  return os;
}

namespace {
std::string us(std::optional<std::int64_t> ns) {
  if (!ns) return "-";
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(1);
  os << static_cast<double>(*ns) / 1000.0;
  return os.str();
}
}  // namespace

std::string describe_long(const WiegandFrame& f) {
  std::ostringstream os;
  os << f << "\n";
  os << "    bits " << (f.bits.empty() ? "(none)" : f.bits);
  if (f.data) os << "  data " << *f.data;
  if (f.parity_even_ok)
    os << "  parity even " << (*f.parity_even_ok ? "ok" : "BAD") << " odd "
       << (*f.parity_odd_ok ? "ok" : "BAD");
  os << "\n";
  os << "    width " << us(f.width_min_ns) << ".." << us(f.width_max_ns) << " us  interval "
     << us(f.interval_min_ns) << ".." << us(f.interval_max_ns) << " us  edges " << f.edge_count
     << "  last edge " << format_mono(f.last_edge) << "\n";
  for (const auto& finding : f.findings) os << "    ! " << finding << "\n";
  return os.str();
}

}  // namespace gaterig::wiegand
