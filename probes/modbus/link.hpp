#pragma once
// One Modbus connection (TCP, or an RTU serial bus) shared by the instruments behind it. Every
// call has a response timeout and bounded retries; a timed-out or broken connection is closed and
// reopened before the next attempt, so a late reply can never be taken for the next one's.
// Errors name the device, the unit id, the register and what failed. Thread-safe (one mutex:
// a bus carries one transaction at a time anyway).
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

typedef struct _modbus modbus_t;

namespace gaterig {

struct TcpEndpoint {
  std::string host = "127.0.0.1";
  int port = 502;
};
struct RtuEndpoint {
  std::string device;  // /dev/ttyUSB0
  int baud = 9600;
  char parity = 'N';
  int data_bits = 8;
  int stop_bits = 1;
};
using ModbusEndpoint = std::variant<TcpEndpoint, RtuEndpoint>;
std::ostream& operator<<(std::ostream& os, const ModbusEndpoint& e);
// "HOST:PORT" -> TcpEndpoint; throws std::invalid_argument naming the text.
TcpEndpoint parse_tcp_endpoint(const std::string& text);

struct LinkOptions {
  std::chrono::milliseconds response_timeout{500};
  int retries = 2;  // attempts = 1 + retries; Modbus exception replies are never retried
};

// A failed Modbus call. exception_code() is the device's Modbus exception (1..11) when it
// answered with one, 0 when it did not answer properly (timeout, closed connection, bad frame).
class ModbusError : public std::runtime_error {
 public:
  ModbusError(const std::string& what, int error_number, int exception_code)
      : std::runtime_error(what), errno_(error_number), exception_(exception_code) {}
  int error_number() const { return errno_; }
  int exception_code() const { return exception_; }
  bool timed_out() const;

 private:
  int errno_;
  int exception_;
};

class ModbusLink {
 public:
  // `device` names the instrument(s) in errors: "bench light controller".
  ModbusLink(std::string device, ModbusEndpoint endpoint, LinkOptions options = {});
  ~ModbusLink();
  ModbusLink(const ModbusLink&) = delete;
  ModbusLink& operator=(const ModbusLink&) = delete;

  const std::string& device() const { return device_; }
  const ModbusEndpoint& endpoint() const { return endpoint_; }

  std::vector<std::uint16_t> read_holding(int unit, int address, int count);
  std::vector<std::uint16_t> read_input(int unit, int address, int count);
  void write_holding(int unit, int address, std::uint16_t value);
  std::vector<bool> read_coils(int unit, int address, int count);
  void write_coil(int unit, int address, bool on);

 private:
  template <class Call>
  void attempt(const char* what, int unit, int address, Call&& call);
  void open_locked();
  void close_locked();

  std::string device_;
  ModbusEndpoint endpoint_;
  LinkOptions options_;
  std::mutex mu_;
  modbus_t* ctx_ = nullptr;
  bool connected_ = false;
};

}  // namespace gaterig
