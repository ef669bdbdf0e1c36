#include "probes/modbus/link.hpp"

#include <modbus/modbus.h>

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace gaterig {
namespace {
// libmodbus reports a device's exception reply as errno MODBUS_ENOBASE + code (1..11).
int exception_of(int err) {
  int code = err - MODBUS_ENOBASE;
  return (code >= 1 && code <= 0x0B) ? code : 0;
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const ModbusEndpoint& e) {
  if (auto* t = std::get_if<TcpEndpoint>(&e)) return os << "tcp " << t->host << ":" << t->port;
  const auto& r = std::get<RtuEndpoint>(e);
  return os << "rtu " << r.device << " " << r.baud << " " << r.data_bits << r.parity << r.stop_bits;
}

TcpEndpoint parse_tcp_endpoint(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw std::invalid_argument("Modbus TCP endpoint '" + text + "': expected HOST:PORT");
  TcpEndpoint t;
  t.host = text.substr(0, colon);
  try {
    std::size_t used = 0;
    t.port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || t.port < 1 || t.port > 65535) throw std::out_of_range("");
  } catch (const std::exception&) {
    throw std::invalid_argument("Modbus TCP endpoint '" + text + "': port must be 1..65535");
  }
  return t;
}

bool ModbusError::timed_out() const { return errno_ == ETIMEDOUT; }

ModbusLink::ModbusLink(std::string device, ModbusEndpoint endpoint, LinkOptions options)
    : device_(std::move(device)), endpoint_(std::move(endpoint)), options_(options) {
  if (auto* t = std::get_if<TcpEndpoint>(&endpoint_)) {
    ctx_ = modbus_new_tcp(t->host.c_str(), t->port);
  } else {
    const auto& r = std::get<RtuEndpoint>(endpoint_);
    ctx_ = modbus_new_rtu(r.device.c_str(), r.baud, r.parity, r.data_bits, r.stop_bits);
  }
  if (ctx_ == nullptr) {
    std::ostringstream os;
    os << device_ << " (" << endpoint_ << "): cannot create a Modbus context: "
       << modbus_strerror(errno);
    throw std::invalid_argument(os.str());
  }
  auto ms = options_.response_timeout.count();
  modbus_set_response_timeout(ctx_, static_cast<uint32_t>(ms / 1000),
                              static_cast<uint32_t>((ms % 1000) * 1000));
}

ModbusLink::~ModbusLink() {
  std::lock_guard lock(mu_);
  close_locked();
  modbus_free(ctx_);
}

void ModbusLink::open_locked() {
  if (connected_) return;
  if (modbus_connect(ctx_) != 0) return;  // the call below fails and reports errno
  connected_ = true;
}

void ModbusLink::close_locked() {
  if (connected_) modbus_close(ctx_);
  connected_ = false;
}

template <class Call>
void ModbusLink::attempt(const char* what, int unit, int address, Call&& call) {
  std::lock_guard lock(mu_);
  int err = 0;
  const int attempts = 1 + std::max(0, options_.retries);
  for (int i = 0; i < attempts; ++i) {
    open_locked();
    if (!connected_) {
      err = errno;
      continue;
    }
    modbus_set_slave(ctx_, unit);
    errno = 0;
    if (call(ctx_) >= 0) return;
    err = errno;
    if (exception_of(err) != 0) break;  // the device answered: asking again changes nothing
    close_locked();  // drop whatever might still arrive for this request
  }
  std::ostringstream os;
  os << device_ << " (" << endpoint_ << ") unit " << unit << ": " << what << " " << address
     << " failed";
  if (exception_of(err) != 0)
    os << ": Modbus exception " << exception_of(err) << " (" << modbus_strerror(err) << ")";
  else
    os << " after " << attempts << " attempt(s): " << modbus_strerror(err);
  throw ModbusError(os.str(), err, exception_of(err));
}

std::vector<std::uint16_t> ModbusLink::read_holding(int unit, int address, int count) {
  std::vector<std::uint16_t> out(static_cast<std::size_t>(count));
  attempt("read holding register", unit, address,
          [&](modbus_t* c) { return modbus_read_registers(c, address, count, out.data()); });
  return out;
}

std::vector<std::uint16_t> ModbusLink::read_input(int unit, int address, int count) {
  std::vector<std::uint16_t> out(static_cast<std::size_t>(count));
  attempt("read input register", unit, address,
          [&](modbus_t* c) { return modbus_read_input_registers(c, address, count, out.data()); });
  return out;
}

void ModbusLink::write_holding(int unit, int address, std::uint16_t value) {
  attempt("write holding register", unit, address,
          [&](modbus_t* c) { return modbus_write_register(c, address, value); });
}

std::vector<bool> ModbusLink::read_coils(int unit, int address, int count) {
  std::vector<std::uint8_t> raw(static_cast<std::size_t>(count));
  attempt("read coil", unit, address,
          [&](modbus_t* c) { return modbus_read_bits(c, address, count, raw.data()); });
  return std::vector<bool>(raw.begin(), raw.end());
}

void ModbusLink::write_coil(int unit, int address, bool on) {
  attempt("write coil", unit, address,
          [&](modbus_t* c) { return modbus_write_bit(c, address, on ? 1 : 0); });
}

}  // namespace gaterig
