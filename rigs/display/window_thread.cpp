#include "rigs/display/window_thread.hpp"

#include <opencv2/highgui.hpp>

namespace gaterig::display {

WindowThread& WindowThread::instance() {
  static WindowThread t;
  return t;
}

WindowThread::WindowThread() : thread_([this] { loop(); }) {}

WindowThread::~WindowThread() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WindowThread::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) throw std::runtime_error("display window: the window thread has stopped (process exit)");
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

void WindowThread::loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      // With a window open, come back every few ms to pump its events; otherwise just wait.
      const auto idle = open_windows_ > 0 ? std::chrono::milliseconds(5) : std::chrono::milliseconds(200);
      cv_.wait_for(lock, idle, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      if (!jobs_.empty()) {
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
    }
    if (job) {
      job();  // packaged: exceptions go to the caller's future
    } else if (open_windows_ > 0) {
      cv::waitKey(1);
    }
  }
}

}  // namespace gaterig::display
