#include "simulator/bench/scene.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <opencv2/imgproc.hpp>

#include "simulator/bench/test_card.hpp"

namespace gaterig {
namespace {

cv::Mat card() { return test_card(cv::Size(640, 480), 2); }

double mean_grey(const cv::Mat& bgr, cv::Rect r) {
  cv::Mat g;
  cv::cvtColor(bgr(r), g, cv::COLOR_BGR2GRAY);
  return cv::mean(g)[0];
}
const cv::Rect kFace(280, 160, 80, 100);  // inside the test card's face ellipse
const cv::Rect kEdge(560, 360, 70, 110);  // background, bottom-right

TEST(Scene, NormalLightShowsTheFrameUnchanged) {
  const cv::Mat shown = card();
  const cv::Mat seen = Scene{}.render(shown, BenchLight{}, 7);
  EXPECT_EQ(cv::norm(shown, seen, cv::NORM_INF), 0.0);
}

double contrast(const cv::Mat& bgr, cv::Rect r) {
  cv::Mat g;
  cv::cvtColor(bgr(r), g, cv::COLOR_BGR2GRAY);
  cv::Scalar mean, sd;
  cv::meanStdDev(g, mean, sd);
  return sd[0];
}

TEST(Scene, StrongFrontLightLeavesAFlatterOverExposedFaceNotAWhiteOne) {
  const cv::Mat shown = card();
  const cv::Mat seen = Scene{}.render(shown, BenchLight{1.0, 0.0, 1.0}, 7);
  ASSERT_EQ(seen.size(), shown.size());
  // Brighter: the auto-exposure brings 2.5x the light most of the way back, and the lamp's
  // reflection adds a veil...
  EXPECT_GT(mean_grey(seen, kFace), mean_grey(shown, kFace) + 30.0);
  // ...but the face is not clipped to white (session 2's scene had no auto-exposure).
  EXPECT_LT(mean_grey(seen, kFace), 240.0);
  const cv::Rect all(0, 0, shown.cols, shown.rows);
  EXPECT_GT(contrast(seen, all), 0.5 * contrast(shown, all));
}

TEST(Scene, BackLightSetsTheFrameInABrightSurroundAndDarkensTheSubject) {
  const cv::Mat shown = card();
  const cv::Mat seen = Scene{}.render(shown, BenchLight{0.0, 1.0, 1.0}, 7);
  ASSERT_EQ(seen.cols, shown.cols + 2 * 128);  // 0.2 x 640 on each side
  ASSERT_EQ(seen.rows, shown.rows + 2 * 96);
  const cv::Rect inner(128, 96, shown.cols, shown.rows);
  EXPECT_LT(mean_grey(seen(inner), kFace), mean_grey(shown, kFace) * 0.6);
  EXPECT_GT(mean_grey(seen, cv::Rect(0, 0, 60, 60)), 215.0);        // the outer surround
  EXPECT_LT(mean_grey(seen, cv::Rect(0, 0, 60, 60)), 256.0);
  EXPECT_GT(mean_grey(seen, cv::Rect(100, 300, 20, 20)), 100.0);    // next to the frame, dimmer
}

TEST(Scene, LowAmbientLightIsDarkAndNoisy) {
  const cv::Mat flat(480, 640, CV_8UC3, cv::Scalar(128, 128, 128));
  const cv::Mat seen = Scene{}.render(flat, BenchLight{0.0, 0.0, 0.1}, 7);
  cv::Scalar mean, sd;
  cv::meanStdDev(seen, mean, sd);
  EXPECT_LT(mean[0], 30.0);
  EXPECT_GT(sd[0], 4.0);  // a flat grey frame grew sensor noise
}

TEST(Scene, IsDeterministicForAStateAndSeed) {
  const BenchLight dim{0.0, 0.2, 0.1};
  const cv::Mat a = Scene{}.render(card(), dim, 42);
  const cv::Mat b = Scene{}.render(card(), dim, 42);
  const cv::Mat c = Scene{}.render(card(), dim, 43);
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
  EXPECT_GT(cv::norm(a, c, cv::NORM_INF), 0.0);
}

TEST(Scene, RefusesFramesThatAreNotEightBitBgr) {
  EXPECT_THROW(Scene{}.render(cv::Mat(4, 4, CV_8UC1), BenchLight{}, 1), std::invalid_argument);
}

TEST(BenchLight, ComesFromTheControllerChannelsAndPrintsItself) {
  LightLevels levels;
  levels.permille = {500, 250, 1000, 0};
  EXPECT_EQ(BenchLight::from(levels), (BenchLight{0.5, 0.25, 1.0}));
  levels.enabled = false;
  EXPECT_EQ(BenchLight::from(levels), (BenchLight{0.0, 0.0, 0.0}));
  std::ostringstream os;
  os << BenchLight{0.5, 0.25, 1.0};
  EXPECT_EQ(os.str(), "BenchLight(front 0.5, back 0.25, ambient 1)");
}

}  // namespace
}  // namespace gaterig
