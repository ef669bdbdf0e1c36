#pragma once
// SIGINT/SIGTERM as a stop request every long-running part can wait on or be told about.
// install() must run in main() before any thread starts: it blocks both signals in the calling
// thread (so every thread created later inherits the mask) and receives them on one thread of
// its own with sigwait, which is safe to do real work on, unlike a signal handler.
#include <chrono>
#include <functional>

namespace gaterig {

class StopSignal {
 public:
  static StopSignal& install();  // idempotent
  static StopSignal& instance();  // install() must have been called

  bool requested() const;
  int signal_number() const;  // 0 when stopped programmatically or not stopped
  // True when a stop was requested before the timeout ran out.
  bool wait_for(std::chrono::milliseconds timeout) const;
  void wait() const;
  // Runs on the signal thread when a stop is requested (immediately if it already was).
  void on_stop(std::function<void()> callback);
  void request(int signal_number = 0);

 private:
  StopSignal() = default;
};

}  // namespace gaterig
