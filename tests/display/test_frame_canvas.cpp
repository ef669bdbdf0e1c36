#include <gtest/gtest.h>

#include "rigs/display/frame_canvas.hpp"

namespace gaterig::display {
namespace {

TEST(FrameCanvas, FaceIsLetterboxedOnGreyAndTheMarkerSitsInItsCorner) {
  const cv::Size canvas(640, 480);
  const cv::Mat face(400, 300, CV_8UC3, cv::Scalar(10, 200, 30));  // portrait: bars left and right
  EXPECT_EQ(face_rect(face.size(), canvas), cv::Rect(140, 0, 360, 480));
  const MarkerConfig marker{MarkerCorner::bottom_left, 40};
  EXPECT_EQ(marker_rect(canvas, marker), cv::Rect(0, 440, 40, 40));
  EXPECT_EQ(marker_rect(canvas, {MarkerCorner::top_right, 40}), cv::Rect(600, 0, 40, 40));

  const cv::Mat shown = compose_frame(face, canvas, marker);
  EXPECT_EQ(shown.at<cv::Vec3b>(10, 600), cv::Vec3b(kNeutralGrey, kNeutralGrey, kNeutralGrey));  // bar
  EXPECT_EQ(shown.at<cv::Vec3b>(240, 320), cv::Vec3b(10, 200, 30));                              // face
  EXPECT_EQ(shown.at<cv::Vec3b>(470, 10), cv::Vec3b(255, 255, 255));                             // marker: face

  const cv::Mat neutral = compose_frame(cv::Mat(), canvas, marker);
  EXPECT_EQ(neutral.at<cv::Vec3b>(240, 320), cv::Vec3b(kNeutralGrey, kNeutralGrey, kNeutralGrey));
  EXPECT_EQ(neutral.at<cv::Vec3b>(470, 10), cv::Vec3b(0, 0, 0));  // marker: neutral
}

}  // namespace
}  // namespace gaterig::display
