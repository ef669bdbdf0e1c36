// The window backend on a private Xvfb, checked from the screen's side: what an X client (a
// camera grabbing the screen, a photodiode on the marker) actually sees.
#include <stdlib.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "private_xvfb.hpp"
#include "rigs/display/frame_canvas.hpp"
#include "rigs/display/screen_probe.hpp"
#include "rigs/display/window_display.hpp"

namespace gaterig::display {
namespace {

#define REQUIRE_XVFB()                                     \
  do {                                                     \
    std::string why;                                       \
    if (!test::private_xvfb(why)) GTEST_SKIP() << why;     \
  } while (0)

constexpr double kMs = 1e6;

// Two faces that differ everywhere, portrait so the letterbox leaves grey bars and the
// bottom-right marker sits on a bar, not on the face.
cv::Mat face(bool second) {
  cv::Mat m(400, 300, CV_8UC3);
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x) {
      const auto v = cv::Vec3b(uchar(40 + x / 2), uchar(30 + y / 3), uchar(((x / 25 + y / 25) % 2) ? 220 : 60));
      m.at<cv::Vec3b>(y, x) = second ? cv::Vec3b(255 - v[0], 255 - v[1], 255 - v[2]) : v;
    }
  return m;
}

WindowDisplayOptions options(const std::string& title) {
  WindowDisplayOptions o;
  o.window.title = title;
  o.window.x = 40;
  o.window.y = 30;
  o.window.width = 640;
  o.window.height = 480;
  o.window.marker = {MarkerCorner::bottom_right, 48};
  o.panel_latency_ms = 10.0;
  return o;
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  return cv::mean(d.reshape(1))[0];
}

enum class Marker { white, black, other };
Marker marker_of(const cv::Mat& patch) {
  double lo = 0, hi = 0;
  cv::minMaxLoc(patch.reshape(1), &lo, &hi);
  if (lo >= 250) return Marker::white;
  if (hi <= 5) return Marker::black;
  return Marker::other;
}

// A grab of the whole canvas, classified: which frame the face area shows (0 = neutral, 1 = A,
// 2 = B, -1 = none of them: torn or half painted) and what the marker shows.
struct Seen {
  int face = -1;
  Marker marker = Marker::other;
};

class Classifier {
 public:
  Classifier(cv::Size canvas, const MarkerConfig& marker) : marker_(marker_rect(canvas, marker)) {
    face_ = face_rect(face(false).size(), canvas);
    frames_ = {compose_frame(cv::Mat(), canvas, marker), compose_frame(face(false), canvas, marker),
               compose_frame(face(true), canvas, marker)};
  }
  Seen classify(const cv::Mat& grab) const {
    Seen s;
    s.marker = marker_of(grab(marker_));
    for (int i = 0; i < 3; ++i)
      if (mean_abs_diff(grab(face_), frames_[static_cast<std::size_t>(i)](face_)) < 2.0) s.face = i;
    return s;
  }
  static bool consistent(const Seen& s) {
    return (s.face == 0 && s.marker == Marker::black) || (s.face > 0 && s.marker == Marker::white);
  }

 private:
  cv::Rect marker_, face_;
  std::vector<cv::Mat> frames_;
};

TEST(WindowDisplay, TheFaceIsWhereExpectedAndTheMarkerSaysWhatIsShown) {
  REQUIRE_XVFB();
  Timeline timeline;
  const auto o = options("gaterig-display-test");
  WindowDisplay display(o, &timeline);
  // No window manager on Xvfb: the image area is exactly where the config put it.
  ASSERT_EQ(display.canvas_on_screen(), cv::Rect(40, 30, 640, 480));
  ScreenProbe screen;
  const cv::Size canvas(640, 480);

  const MonoNs before = mono_now();
  const Shown shown = display.show(face(false), "P0001/normal/1");
  const MonoNs after = mono_now();
  cv::Mat grab = screen.grab(display.canvas_on_screen());
  ASSERT_EQ(grab.size(), canvas);
  // Pixel for pixel what compose_frame drew: face letterboxed at (140, 0) 360x480, grey bars,
  // white marker in the bottom-right corner.
  EXPECT_LT(mean_abs_diff(grab, compose_frame(face(false), canvas, o.window.marker)), 0.5);
  const cv::Rect where = face_rect(face(false).size(), canvas);
  EXPECT_EQ(where, cv::Rect(140, 0, 360, 480));
  EXPECT_LT(mean_abs_diff(grab(cv::Rect(0, 0, 140, 480)), cv::Mat(480, 140, CV_8UC3, cv::Scalar::all(kNeutralGrey))), 0.5);
  EXPECT_EQ(marker_of(grab(cv::Rect(592, 432, 48, 48))), Marker::white);

  EXPECT_EQ(shown.photon_method, "flip+panel-latency");
  EXPECT_EQ(shown.frame_seq, 1u);
  EXPECT_GE(shown.photon, before + static_cast<MonoNs>(10 * kMs));
  EXPECT_LE(shown.photon, after + static_cast<MonoNs>(10 * kMs));
  const auto e = timeline.wait_for(0, [](const Event& ev) { return ev.kind == "display.shown"; }, std::chrono::seconds(1));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at, shown.photon);
  EXPECT_EQ(e->source, "display");
  EXPECT_EQ(e->payload.at("presentation"), "P0001/normal/1");
  EXPECT_EQ(e->payload.at("frame_seq"), 1);
  EXPECT_EQ(e->payload.at("photon"), "flip+panel-latency");

  const Shown grey = display.neutral();
  EXPECT_EQ(grey.frame_seq, 2u);
  grab = screen.grab(display.canvas_on_screen());
  EXPECT_LT(mean_abs_diff(grab, compose_frame(cv::Mat(), canvas, o.window.marker)), 0.5);
  EXPECT_EQ(marker_of(grab(cv::Rect(592, 432, 48, 48))), Marker::black);
  EXPECT_TRUE(timeline.wait_for(0, [](const Event& ev) { return ev.kind == "display.neutral"; }, std::chrono::seconds(1)));
}

// The marker flips in the same frame as the face: neither the grab right after show()/neutral()
// returns nor any grab of a camera grabbing as fast as it can meanwhile ever sees a face with the
// neutral marker, the grey frame with the face marker, or a half-painted face.
TEST(WindowDisplay, MarkerAndFaceFlipInTheSameFrame) {
  REQUIRE_XVFB();
  const auto o = options("gaterig-display-flip");
  WindowDisplay display(o, nullptr);
  const Classifier classifier(cv::Size(640, 480), o.window.marker);
  const cv::Rect on_screen = display.canvas_on_screen();

  std::atomic<bool> stop{false};
  std::atomic<int> grabs{0}, inconsistent{0}, seen_face{0}, seen_neutral{0};
  std::string first_bad;
  std::thread camera([&] {
    ScreenProbe screen;
    while (!stop) {
      const Seen s = classifier.classify(screen.grab(on_screen));
      ++grabs;
      if (!Classifier::consistent(s)) {
        if (inconsistent++ == 0)
          first_bad = "face " + std::to_string(s.face) + " marker " + std::to_string(static_cast<int>(s.marker));
      } else {
        ++(s.face == 0 ? seen_neutral : seen_face);
      }
    }
  });

  ScreenProbe screen;
  int after_return_bad = 0;
  constexpr int kAlternations = 30;
  for (int i = 0; i < kAlternations; ++i) {
    const bool second = i % 2 == 1;
    display.show(face(second), second ? "B" : "A");
    Seen s = classifier.classify(screen.grab(on_screen));
    if (s.face != (second ? 2 : 1) || s.marker != Marker::white) ++after_return_bad;
    display.neutral();
    s = classifier.classify(screen.grab(on_screen));
    if (s.face != 0 || s.marker != Marker::black) ++after_return_bad;
  }
  stop = true;
  camera.join();
  EXPECT_EQ(after_return_bad, 0);
  EXPECT_EQ(inconsistent.load(), 0) << "first inconsistent grab: " << first_bad << " (of " << grabs << ")";
  EXPECT_GT(seen_face.load(), 0);
  EXPECT_GT(seen_neutral.load(), 0);
}

TEST(WindowDisplay, PhotodiodeRigReportsTheFlipAndAWindowCanFollowAnother) {
  REQUIRE_XVFB();
  {
    WindowDisplay first(options("gaterig-display-first"), nullptr);
    first.show(face(false), "A");
  }
  // The window thread outlives a display: a second one (another title, another corner) works.
  auto o = options("gaterig-display-second");
  o.photodiode = true;
  o.window.marker = {MarkerCorner::top_left, 32};
  Timeline timeline;
  WindowDisplay second(o, &timeline);
  const MonoNs before = mono_now();
  const Shown s = second.show(face(true), "B");
  EXPECT_EQ(s.photon_method, "photodiode");
  EXPECT_GE(s.photon, before);
  EXPECT_LE(s.photon, mono_now());  // the flip itself, no panel latency added: the edge replaces it
  ScreenProbe screen;
  const cv::Mat grab = screen.grab(second.canvas_on_screen());
  EXPECT_EQ(marker_of(grab(cv::Rect(0, 0, 32, 32))), Marker::white);
}

TEST(WindowDisplay, NoXDisplayIsAClearErrorNotAnAbort) {
  const char* saved = std::getenv("DISPLAY");
  const std::string keep = saved ? saved : "";
  unsetenv("DISPLAY");
  try {
    WindowDisplay display(options("nowhere"), nullptr);
    ADD_FAILURE() << "a window display without an X display";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("DISPLAY"), std::string::npos) << e.what();
  }
  if (saved) setenv("DISPLAY", keep.c_str(), 1);
}

}  // namespace
}  // namespace gaterig::display
