#pragma once
// A terminal in the test process: a Display that, when a presentation is shown, answers on the
// timeline like a terminal on the Wiegand wire would: a wiegand.frame whose first edge is exactly
// `delay` after the photon, published `publish_lag` later (the decoder waits for the frame to end).
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "rigs/display/display.hpp"
#include "trial_test_support.hpp"

namespace gaterig::trial::test {

struct Answer {
  MonoNs delay = 0;
  std::uint32_t facility = 0, number = 0;
  bool bad_parity = false;
  // Like a live capture with announce_frame_start: a wiegand.first_edge at the first edge, and the
  // frame itself `publish_lag` later, or never (a capture that died mid-frame).
  bool announce_start = false;
  bool frame_completes = true;
  // > 0: instead of a frame, the platform receives a record of person P<record_person> `delay`
  // after the photon (a refusal with a flagged record, JX-A.5).
  int record_person = 0;
};

class FakeTerminal final : public display::Display {
 public:
  explicit FakeTerminal(Timeline& timeline, MonoNs publish_lag = 20 * kMs)
      : timeline_(timeline), lag_(publish_lag), worker_([this] { work(); }) {}
  ~FakeTerminal() override {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  // What the terminal does when the presentation labelled `label` is shown (default: nothing).
  void answer(const std::string& label, Answer a) { answers_[label] = a; }
  void fail_on(const std::string& label) { failing_.push_back(label); }

  display::Shown show(const cv::Mat& bgr, std::string_view label) override {
    if (bgr.empty()) throw std::runtime_error("fake terminal: empty image");
    for (const auto& f : failing_)
      if (f == label) throw std::runtime_error("fake display: flip timed out");
    display::Shown s{mono_now(), ++seq_, "frame-publish"};
    std::lock_guard lock(mu_);
    shows_.push_back(std::string(label));
    if (auto it = answers_.find(std::string(label)); it != answers_.end()) {
      const Answer& a = it->second;
      const MonoNs first_edge = s.photon + a.delay;
      if (a.record_person > 0) {
        const MonoNs at = s.photon + a.delay;
        queue_.push_back({at, record_event(at - kMs, id_number_of(a.record_person), "2026-11-21 10:00:00", 7, "01-no-helmet")});
        cv_.notify_all();
        return s;
      }
      if (a.announce_start)
        queue_.push_back({first_edge, Event{first_edge, "wiegand", "wiegand.first_edge", Json{{"line", "d0"}}}});
      if (a.frame_completes)
        queue_.push_back({first_edge + lag_, frame_event(first_edge, a.facility, a.number, a.bad_parity)});
      cv_.notify_all();
    }
    return s;
  }
  display::Shown neutral() override { return display::Shown{mono_now(), ++seq_, "frame-publish"}; }
  std::string describe() const override { return "fake terminal"; }

  std::vector<std::string> shows() const {
    std::lock_guard lock(mu_);
    return shows_;
  }

 private:
  struct Due {
    MonoNs publish_at;
    Event event;
  };
  void work() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (done_) return;
      if (queue_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto first = std::min_element(queue_.begin(), queue_.end(),
                                    [](const Due& a, const Due& b) { return a.publish_at < b.publish_at; });
      const MonoNs now = mono_now();
      if (first->publish_at <= now) {
        Event e = first->event;
        queue_.erase(first);
        lock.unlock();
        timeline_.publish(std::move(e));
        lock.lock();
        continue;
      }
      cv_.wait_for(lock, std::chrono::nanoseconds(first->publish_at - now));
    }
  }

  Timeline& timeline_;
  MonoNs lag_;
  std::map<std::string, Answer> answers_;
  std::vector<std::string> failing_;
  std::uint64_t seq_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Due> queue_;
  std::vector<std::string> shows_;
  bool done_ = false;
  std::thread worker_;
};

}  // namespace gaterig::trial::test
