// The virtual monitor: what the display shows must reach the simulated terminal's camera intact
// and quickly, with the publish time the rig uses as photon time on a simulated bench (JX-A.2's
// recognition time starts there).
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "reports/statistics/latency.hpp"
#include "rigs/selftest/check.hpp"
#include "simulator/bench/monitor_link.hpp"

namespace gaterig::rig {

CheckResult check_monitor(const SelftestOptions& o) {
  return run_check("monitor.link", "frames shown reach the camera intact, with their photon time",
                   [&](CheckResult& r) {
    using namespace std::chrono_literals;
    std::filesystem::create_directories(o.work_dir);
    const std::string path = (o.work_dir / "monitor.sock").string();
    Timeline timeline;
    MonitorPublisherOptions po;
    po.path = path;
    po.sink = &timeline;
    MonitorPublisher display(po);
    MonitorSubscriber camera({path});
    if (!camera.wait_connected(5s) || !display.wait_for_subscribers(1, 5s))
      throw std::runtime_error("the camera did not connect to the monitor at " + path + " within 5 s");

    int intact = 0, arrived = 0, stamped = 0;
    std::vector<std::int64_t> latency;
    for (int i = 0; i < o.frames; ++i) {
      // Each frame carries its number in its pixels, so a stale or mixed-up frame is caught.
      const int grey = 16 + (i * 37) % 224;
      cv::Mat frame(480, 640, CV_8UC3, cv::Scalar(grey, 255 - grey, (grey * 3) % 256));
      cv::rectangle(frame, {600, 440, 40, 40}, cv::Scalar::all(i % 2 ? 255 : 0), cv::FILLED);  // marker patch
      const std::uint64_t seq = display.publish(frame);
      const auto got = camera.wait_latest(seq, 2s);
      if (!got || got->seq != seq) continue;
      ++arrived;
      latency.push_back(got->received - got->published);
      intact += cv::norm(got->image, frame, cv::NORM_INF) == 0;
      const auto ev = timeline.wait_for(0, [&](const Event& e) {
        return e.kind == "display.frame_published" && e.payload.value("seq", std::uint64_t{0}) == seq;
      }, 1s);
      stamped += ev && ev->payload.value("publish_mono", MonoNs{0}) == got->published;
    }
    const auto lat = statistics::summarize_latency(latency);
    auto& m = r.measurements;
    const double n = o.frames;
    m.push_back({"frames arrived", static_cast<double>(arrived), "frames", n, {}});
    m.push_back({"frames intact", static_cast<double>(intact), "frames", n, {}});
    m.push_back({"photon time on the timeline", static_cast<double>(stamped), "frames", n, {}});
    m.push_back({"display → camera p50", static_cast<double>(lat.p50.value) / 1e6, "ms", {}, {}});
    m.push_back({"display → camera p99", static_cast<double>(lat.p99.value) / 1e6, "ms", {}, 50});
  });
}

}  // namespace gaterig::rig
