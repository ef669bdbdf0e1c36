#pragma once
// The one thread that owns the process's OpenCV windows. OpenCV's Qt backend binds its GUI to the
// first thread that touches highgui and from then on marshals every highgui call onto that thread
// (a blocking queued call: it deadlocks for good once that thread has exited). So the thread can
// neither be per window nor be restarted: it is started by the first WindowDisplay and serves every
// later one; it pumps the windows' event loop between commands (so an exposed window repaints) and
// stops at process exit. WindowDisplay is its only user.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace gaterig::display {

class WindowThread {
 public:
  static WindowThread& instance();
  ~WindowThread();  // stops the pump and joins (bounded: the pump waits at most ~10 ms at a time)
  WindowThread(const WindowThread&) = delete;
  WindowThread& operator=(const WindowThread&) = delete;

  // Runs `job` on the window thread and returns its result; throws std::runtime_error naming
  // `what` when it has not finished within `timeout` (the job still runs later: it must own what
  // it touches), and rethrows what the job threw.
  template <typename R>
  R run(std::string_view what, std::chrono::milliseconds timeout, std::function<R()> job) {
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(job));
    auto done = task->get_future();
    post([task] { (*task)(); });
    if (done.wait_for(timeout) != std::future_status::ready)
      throw std::runtime_error("display window: " + std::string(what) + " did not finish within " +
                               std::to_string(timeout.count()) + " ms");
    return done.get();
  }

  // Windows the pump keeps alive; changed only on the window thread.
  void window_opened() { ++open_windows_; }
  void window_closed() { --open_windows_; }

 private:
  WindowThread();
  void post(std::function<void()> job);
  void loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  int open_windows_ = 0;  // window thread only
  std::thread thread_;
};

}  // namespace gaterig::display
