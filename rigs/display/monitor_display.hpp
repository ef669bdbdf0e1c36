#pragma once
// The simulated rig's display: frames go to the simulated terminal's camera over the virtual
// monitor link. The photon time is the publish time (the link's own display.frame_published
// event carries the same instant), method "frame-publish". Images go out as given (the terminal
// sees the fixture's pixels, lit by the bench's Scene); neutral frames are mid grey of the size
// last shown.
#include <chrono>
#include <mutex>

#include "rigs/display/display.hpp"
#include "simulator/bench/monitor_link.hpp"

namespace gaterig::display {

class MonitorDisplay final : public Display {
 public:
  // Listens on `path` before it returns (throws std::runtime_error naming the path).
  MonitorDisplay(std::string path, EventSink* sink, std::function<BenchLight()> light = {},
                 cv::Size neutral_size = {640, 480});
  ~MonitorDisplay() override;

  Shown show(const cv::Mat& bgr, std::string_view label) override;
  Shown neutral() override;
  std::string describe() const override;

  // For the rig: wait until the simulated terminal's camera is connected.
  MonitorPublisher& publisher() { return *publisher_; }

 private:
  class FrameTap;
  Shown publish(const cv::Mat& bgr, std::string_view kind, std::string_view label);

  EventSink* sink_;
  std::unique_ptr<FrameTap> tap_;
  std::unique_ptr<MonitorPublisher> publisher_;
  std::mutex mu_;  // one frame at a time, so the tap's capture belongs to the caller's publish
  cv::Size neutral_size_;
};

}  // namespace gaterig::display
