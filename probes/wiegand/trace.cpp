#include "probes/wiegand/trace.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>

namespace gaterig::wiegand {

TraceError::TraceError(std::string path, std::size_t line, const std::string& what)
    : std::runtime_error(path + ":" + std::to_string(line) + ": " + what), path_(std::move(path)), line_(line) {}

Edge parse_trace_edge(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("expected a JSON object {\"t_ns\", \"line\", \"edge\"}");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& k = it.key();
    if (k != "t_ns" && k != "t_us" && k != "line" && k != "edge" && k != "loss" && k != "note")
      throw std::invalid_argument("unknown key '" + k + "' (expected t_ns or t_us, line, edge, loss, note)");
  }
  Edge e;
  const bool ns = j.contains("t_ns"), us = j.contains("t_us");
  if (ns == us) throw std::invalid_argument("expected exactly one of 't_ns' (integer) or 't_us' (number)");
  if (ns) {
    if (!j["t_ns"].is_number_integer()) throw std::invalid_argument("'t_ns' must be an integer");
    e.at = j["t_ns"].get<MonoNs>();
  } else {
    if (!j["t_us"].is_number()) throw std::invalid_argument("'t_us' must be a number");
    const double v = j["t_us"].get<double>();
    if (!std::isfinite(v) || std::fabs(v) > 9.2e15) throw std::invalid_argument("'t_us' out of range");
    e.at = static_cast<MonoNs>(std::llround(v * 1000.0));
  }
  if (!j.contains("line") || !j["line"].is_string())
    throw std::invalid_argument("'line' must be one of \"d0\", \"d1\", \"photodiode\", \"relay\"");
  const auto line = parse_line(j["line"].get<std::string>());
  if (!line)
    throw std::invalid_argument("'line' is \"" + j["line"].get<std::string>() +
                                "\", expected \"d0\", \"d1\", \"photodiode\" or \"relay\"");
  e.line = *line;
  const std::string edge = j.contains("edge") && j["edge"].is_string() ? j["edge"].get<std::string>() : "";
  if (edge != "falling" && edge != "rising")
    throw std::invalid_argument("'edge' must be \"falling\" or \"rising\"");
  e.rising = edge == "rising";
  if (j.contains("loss")) {
    if (!j["loss"].is_boolean()) throw std::invalid_argument("'loss' must be true or false");
    e.after_loss = j["loss"].get<bool>();
  }
  return e;
}

Json trace_edge_json(const Edge& e) {
  Json j{{"t_ns", e.at}, {"line", std::string(to_string(e.line))}, {"edge", e.rising ? "rising" : "falling"}};
  if (e.after_loss) j["loss"] = true;
  return j;
}

TraceWriter::TraceWriter(std::string path, const Json& meta) : path_(std::move(path)), out_(path_) {
  if (!out_) throw std::runtime_error("cannot write trace '" + path_ + "': " + std::strerror(errno));
  Json header{{"format", kTraceFormat}, {"version", kTraceVersion}, {"clock", "CLOCK_MONOTONIC"}};
  if (meta.is_object())
    for (auto it = meta.begin(); it != meta.end(); ++it)
      if (!header.contains(it.key())) header[it.key()] = it.value();
  out_ << header.dump() << "\n";
}

void TraceWriter::write(const Edge& e) {
  out_ << trace_edge_json(e).dump() << "\n";
  ++edges_;
}

void TraceWriter::flush() {
  out_.flush();
  if (!out_) throw std::runtime_error("cannot write trace '" + path_ + "' (disk full?)");
}

TraceSource::TraceSource(std::string path) : path_(std::move(path)), in_(path_) {
  if (!in_) throw std::runtime_error("cannot open trace '" + path_ + "': " + std::strerror(errno));
  std::string text;
  while (std::getline(in_, text)) {
    ++line_no_;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw TraceError(path_, line_no_, "the header is not a JSON object");
    if (j.value("format", "") != kTraceFormat)
      throw TraceError(path_, line_no_, "the header must have \"format\": \"" + std::string(kTraceFormat) + "\"");
    if (!j.contains("version") || j["version"] != kTraceVersion)
      throw TraceError(path_, line_no_, "the header must have \"version\": " + std::to_string(kTraceVersion));
    header_ = std::move(j);
    return;
  }
  throw TraceError(path_, line_no_, "empty trace: expected a header line");
}

std::optional<Edge> TraceSource::next(MonoNs) {
  if (ended_) return std::nullopt;
  std::string text;
  while (std::getline(in_, text)) {
    ++line_no_;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded()) throw TraceError(path_, line_no_, "not valid JSON");
    Edge e;
    try {
      e = parse_trace_edge(j);
    } catch (const std::invalid_argument& err) {
      throw TraceError(path_, line_no_, err.what());
    }
    if (edges_ > 0 && e.at < last_at_)
      throw TraceError(path_, line_no_, "time goes backwards (" + std::to_string(e.at) + " ns after " +
                                            std::to_string(last_at_) + " ns); edges must be in time order");
    last_at_ = e.at;
    ++edges_;
    return e;
  }
  ended_ = true;
  return std::nullopt;
}

std::string TraceSource::describe() const {
  return "trace " + path_ + " (" + std::to_string(edges_) + " edges read)";
}

std::vector<Edge> read_trace(const std::string& path) {
  TraceSource src(path);
  std::vector<Edge> out;
  while (auto e = src.next(0)) out.push_back(*e);
  return out;
}

}  // namespace gaterig::wiegand
