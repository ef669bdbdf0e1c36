#pragma once
// The turnstile's door relay as one line on the gate sink. It idles high like the Wiegand lines;
// open() drives it low (a falling edge the rig times against the Wiegand frame) and a thread of
// its own lets it go high again `hold` later. Opening while open extends the hold.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "probes/wiegand/edge.hpp"

namespace gaterig::device {

class Door {
 public:
  Door(wiegand::EdgeSink& sink, std::chrono::milliseconds hold);
  ~Door();  // closes the door (rising edge) if open, joins the thread
  Door(const Door&) = delete;
  Door& operator=(const Door&) = delete;

  void open();
  bool is_open() const;
  std::uint64_t openings() const;

 private:
  void run();

  wiegand::EdgeSink& sink_;
  std::chrono::milliseconds hold_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false, stopping_ = false;
  MonoNs close_at_ = 0;
  std::uint64_t openings_ = 0;
  std::thread thread_;
};

}  // namespace gaterig::device
