#include "rigs/display/monitor_display.hpp"

#include <stdexcept>

#include "rigs/display/display_event.hpp"

namespace gaterig::display {

// Sits between the publisher and the rig's sink: remembers the publish instant of the frame just
// published (the publisher reports it on the publishing thread, inside publish()) and passes
// every event on.
class MonitorDisplay::FrameTap final : public EventSink {
 public:
  explicit FrameTap(EventSink* next) : next_(next) {}
  void publish(Event e) override {
    if (e.kind == "display.frame_published") {
      std::lock_guard lock(mu_);
      last_seq_ = e.payload.value("seq", std::uint64_t{0});
      last_at_ = e.at;
    }
    if (next_ != nullptr) next_->publish(std::move(e));
  }
  MonoNs at_of(std::uint64_t seq) const {
    std::lock_guard lock(mu_);
    if (seq != last_seq_) throw std::logic_error("monitor display: no publish time for frame " + std::to_string(seq));
    return last_at_;
  }

 private:
  EventSink* next_;
  mutable std::mutex mu_;
  std::uint64_t last_seq_ = 0;
  MonoNs last_at_ = 0;
};

MonitorDisplay::MonitorDisplay(std::string path, EventSink* sink, std::function<BenchLight()> light,
                               cv::Size neutral_size)
    : sink_(sink), tap_(std::make_unique<FrameTap>(sink)), neutral_size_(neutral_size) {
  MonitorPublisherOptions o;
  o.path = std::move(path);
  o.sink = tap_.get();
  o.light = std::move(light);
  publisher_ = std::make_unique<MonitorPublisher>(std::move(o));
}

MonitorDisplay::~MonitorDisplay() = default;

Shown MonitorDisplay::publish(const cv::Mat& bgr, std::string_view kind, std::string_view label) {
  Shown s;
  {
    std::lock_guard lock(mu_);
    s.frame_seq = publisher_->publish(bgr);
    s.photon = tap_->at_of(s.frame_seq);
  }
  s.photon_method = std::string(kPhotonFramePublish);
  if (sink_ != nullptr) sink_->publish(display_event(kind, label, s));
  return s;
}

Shown MonitorDisplay::show(const cv::Mat& bgr, std::string_view label) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw std::invalid_argument("monitor display: show('" + std::string(label) + "') expects a non-empty 8-bit BGR image");
  {
    std::lock_guard lock(mu_);
    neutral_size_ = bgr.size();  // the grey frame keeps the monitor's geometry
  }
  return publish(bgr, kShownKind, label);
}

Shown MonitorDisplay::neutral() {
  cv::Size size;
  {
    std::lock_guard lock(mu_);
    size = neutral_size_;
  }
  return publish(cv::Mat(size, CV_8UC3, cv::Scalar::all(128)), kNeutralKind, "");
}

std::string MonitorDisplay::describe() const { return "monitor link " + publisher_->path() + " (photon = frame publish)"; }

}  // namespace gaterig::display
