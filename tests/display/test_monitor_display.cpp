#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "rigs/display/monitor_display.hpp"

namespace gaterig::display {
namespace {

using namespace std::chrono_literals;

// Socket paths must stay under 108 bytes: a short private folder in /tmp.
struct SocketDir {
  SocketDir() {
    char tmpl[] = "/tmp/gr-display-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~SocketDir() { std::filesystem::remove_all(dir); }
  std::string path(const std::string& name) const { return dir + "/" + name; }
  std::string dir;
};

cv::Mat test_face() {
  cv::Mat m(120, 90, CV_8UC3);
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 2), uchar(y * 2), uchar(200 - x));
  return m;
}

const Event* find_kind(const std::vector<Event>& events, const std::string& kind) {
  for (const auto& e : events)
    if (e.kind == kind) return &e;
  return nullptr;
}

TEST(MonitorDisplay, TheCameraGetsTheFrameAndTheTimelineItsPublishTime) {
  SocketDir dir;
  Timeline timeline;
  DisplayConfig config;
  config.monitor_path = dir.path("monitor.sock");
  auto display = make_display(config, &timeline);
  MonitorSubscriber camera(MonitorSubscriberOptions{config.monitor_path});
  ASSERT_TRUE(camera.wait_connected(10s));
  ASSERT_TRUE(dynamic_cast<MonitorDisplay&>(*display).publisher().wait_for_subscribers(1, 10s));

  const cv::Mat face = test_face();
  const MonoNs before = mono_now();
  const Shown shown = display->show(face, "P0001/normal/1");
  const MonoNs after = mono_now();
  EXPECT_EQ(shown.photon_method, "frame-publish");
  EXPECT_GE(shown.photon, before);
  EXPECT_LE(shown.photon, after);

  const auto frame = camera.wait_latest(shown.frame_seq, 10s);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->seq, shown.frame_seq);
  EXPECT_EQ(frame->published, shown.photon);
  EXPECT_EQ(cv::norm(frame->image, face, cv::NORM_INF), 0.0);  // no light function: pixels as given

  const auto events = timeline.since(0);
  const Event* published = find_kind(events, "display.frame_published");
  const Event* shown_event = find_kind(events, "display.shown");
  ASSERT_NE(published, nullptr);
  ASSERT_NE(shown_event, nullptr);
  EXPECT_EQ(shown_event->source, "display");
  EXPECT_EQ(shown_event->at, shown.photon);
  EXPECT_EQ(published->at, shown.photon);
  EXPECT_EQ(shown_event->payload.at("presentation"), "P0001/normal/1");
  EXPECT_EQ(shown_event->payload.at("frame_seq"), shown.frame_seq);
  EXPECT_EQ(shown_event->payload.at("photon"), "frame-publish");
}

TEST(MonitorDisplay, NeutralFramesAreGreyOfTheShownSize) {
  SocketDir dir;
  Timeline timeline;
  MonitorDisplay display(dir.path("m.sock"), &timeline);
  MonitorSubscriber camera(MonitorSubscriberOptions{dir.path("m.sock")});
  ASSERT_TRUE(display.publisher().wait_for_subscribers(1, 10s));

  const Shown face = display.show(test_face(), "P1");
  const Shown grey = display.neutral();
  EXPECT_EQ(grey.frame_seq, face.frame_seq + 1);
  const auto frame = camera.wait_latest(grey.frame_seq, 10s);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->image.size(), test_face().size());
  double lo = 0, hi = 0;
  cv::minMaxLoc(frame->image.reshape(1), &lo, &hi);
  EXPECT_EQ(lo, 128);
  EXPECT_EQ(hi, 128);

  const auto events = timeline.since(0);
  const Event* neutral = find_kind(events, "display.neutral");
  ASSERT_NE(neutral, nullptr);
  EXPECT_EQ(neutral->at, grey.photon);
  EXPECT_EQ(neutral->payload.at("frame_seq"), grey.frame_seq);
  EXPECT_EQ(neutral->payload.at("presentation"), "");
}

TEST(MonitorDisplay, TheBenchLightReachesTheCamera) {
  SocketDir dir;
  DisplayConfig config;
  config.monitor_path = dir.path("lit.sock");
  auto display = make_display(config, nullptr, [] { return BenchLight{0.0, 1.0, 0.2}; });  // back light, dim
  MonitorSubscriber camera(MonitorSubscriberOptions{config.monitor_path});
  ASSERT_TRUE(dynamic_cast<MonitorDisplay&>(*display).publisher().wait_for_subscribers(1, 10s));
  const cv::Mat face = test_face();
  const Shown shown = display->show(face, "lit");
  const auto frame = camera.wait_latest(shown.frame_seq, 10s);
  ASSERT_TRUE(frame);
  const cv::Mat expected = Scene().render(face, BenchLight{0.0, 1.0, 0.2}, 1 + shown.frame_seq);
  EXPECT_NE(frame->image.size(), face.size());  // back light frames the picture in its surround
  ASSERT_EQ(frame->image.size(), expected.size());
  EXPECT_EQ(cv::norm(frame->image, expected, cv::NORM_INF), 0.0);
}

TEST(MonitorDisplay, RejectsWhatIsNotABgrImage) {
  SocketDir dir;
  MonitorDisplay display(dir.path("g.sock"), nullptr);
  EXPECT_THROW(display.show(cv::Mat(10, 10, CV_8UC1, cv::Scalar(1)), "grey"), std::invalid_argument);
  EXPECT_THROW(display.show(cv::Mat(), "empty"), std::invalid_argument);
}

}  // namespace
}  // namespace gaterig::display
