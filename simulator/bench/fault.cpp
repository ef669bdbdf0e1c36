#include "simulator/bench/fault.hpp"

#include <sstream>
#include <stdexcept>

namespace gaterig {

const char* to_string(Fault::Kind k) {
  switch (k) {
    case Fault::Kind::delay: return "delay";
    case Fault::Kind::drop: return "drop";
    case Fault::Kind::exception: return "exception";
    case Fault::Kind::disconnect: return "disconnect";
  }
  return "?";
}

Fault Fault::delay(std::chrono::milliseconds d) {
  if (d.count() < 0) throw std::invalid_argument("Fault::delay: negative delay");
  Fault f;
  f.kind = Kind::delay;
  f.delay_time = d;
  return f;
}

Fault Fault::drop(double probability) {
  if (!(probability >= 0.0 && probability <= 1.0))
    throw std::invalid_argument("Fault::drop: probability must be within 0..1");
  Fault f;
  f.kind = Kind::drop;
  f.probability = probability;
  return f;
}

Fault Fault::exception(int code) {
  if (code < 1 || code > 11)
    throw std::invalid_argument("Fault::exception: Modbus exception code must be 1..11, got " +
                                std::to_string(code));
  Fault f;
  f.kind = Kind::exception;
  f.exception_code = code;
  return f;
}

Fault Fault::disconnect() {
  Fault f;
  f.kind = Kind::disconnect;
  return f;
}

Fault Fault::on_unit(int u) const {
  Fault f = *this;
  f.unit = u;
  return f;
}

Fault Fault::times(int n) const {
  if (n < 1) throw std::invalid_argument("Fault::times: count must be at least 1");
  Fault f = *this;
  f.remaining = n;
  return f;
}

Fault Fault::parse(const std::string& text) {
  auto fail = [&](const std::string& why) {
    return std::invalid_argument("fault '" + text + "': " + why +
                                 " (expected delay:MS, drop:P, exception:CODE or disconnect, "
                                 "optionally @UNIT and xCOUNT)");
  };
  std::string body = text;
  int count = 0;
  std::optional<int> unit;
  try {
    if (auto x = body.rfind('x'); x != std::string::npos && x + 1 < body.size() &&
                                  body.find_first_not_of("0123456789", x + 1) == std::string::npos) {
      count = std::stoi(body.substr(x + 1));
      body.erase(x);
    }
    if (auto at = body.find('@'); at != std::string::npos) {
      unit = std::stoi(body.substr(at + 1));
      body.erase(at);
    }
    auto colon = body.find(':');
    std::string name = body.substr(0, colon);
    std::string arg = colon == std::string::npos ? "" : body.substr(colon + 1);
    Fault f;
    if (name == "delay" && !arg.empty()) f = delay(std::chrono::milliseconds(std::stoi(arg)));
    else if (name == "drop" && !arg.empty()) f = drop(std::stod(arg));
    else if (name == "exception" && !arg.empty()) f = exception(std::stoi(arg));
    else if (name == "disconnect" && arg.empty()) f = disconnect();
    else throw fail("unknown fault or missing argument");
    if (unit) f = f.on_unit(*unit);
    if (count > 0) f = f.times(count);
    return f;
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).rfind("fault '", 0) == 0) throw;
    throw fail(e.what());
  } catch (const std::out_of_range&) {
    throw fail("number out of range");
  }
}

std::string Fault::describe() const {
  std::ostringstream os;
  os << to_string(kind);
  switch (kind) {
    case Kind::delay: os << ":" << delay_time.count(); break;
    case Kind::drop: os << ":" << probability; break;
    case Kind::exception: os << ":" << exception_code; break;
    case Kind::disconnect: break;
  }
  if (unit) os << "@" << *unit;
  if (remaining > 0) os << "x" << remaining;
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Fault& f) { return os << "Fault(" << f.describe() << ")"; }

}  // namespace gaterig
