#pragma once
// Faults the simulated bench server injects into its own request loop, declared through this API
// instead of magic addresses. Each one announces itself (an Event "bench.fault") when it fires.
//   bench.inject(Fault::delay(800ms).on_unit(2));          // every lux request answered late
//   bench.inject(Fault::drop(0.05));                       // 5 % of requests unanswered (seeded)
//   bench.inject(Fault::exception(4).on_unit(1).times(1)); // next light request: device failure
//   bench.inject(Fault::disconnect().times(1));            // next request: connection closed
#include <chrono>
#include <optional>
#include <ostream>
#include <string>

namespace gaterig {

struct Fault {
  enum class Kind { delay, drop, exception, disconnect };

  Kind kind = Kind::delay;
  std::chrono::milliseconds delay_time{0};  // delay: how late the reply is
  double probability = 1.0;                 // drop: chance per matching request
  int exception_code = 0;                   // exception: Modbus exception code 1..11
  std::optional<int> unit;                  // only requests to this unit id (all when empty)
  int remaining = -1;                       // fires this many more times; -1 = for ever

  static Fault delay(std::chrono::milliseconds d);
  static Fault drop(double probability);
  static Fault exception(int code);
  static Fault disconnect();
  Fault on_unit(int u) const;
  Fault times(int n) const;

  // "delay:800", "drop:0.05", "exception:4", "disconnect", each optionally "@UNIT" and "xN"
  // ("exception:4@1x1"). Throws std::invalid_argument naming the text and what was expected.
  static Fault parse(const std::string& text);
  std::string describe() const;  // the same syntax parse() reads
};

std::ostream& operator<<(std::ostream& os, const Fault& f);
const char* to_string(Fault::Kind k);

}  // namespace gaterig
