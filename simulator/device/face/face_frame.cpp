#include "simulator/device/face/face_frame.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace gaterig::device {

FaceFrame::FaceFrame(const fixtures::DetectedFace& face)
    : origin_((face.right_eye() + face.left_eye()) * 0.5F), unit_(std::max(4.0F, face.eye_distance())) {
  const cv::Point2f d = face.left_eye() - face.right_eye();
  const float n = std::max(1e-3F, std::hypot(d.x, d.y));
  right_ = d / n;
  down_ = {-right_.y, right_.x};
}

cv::Point2f FaceFrame::at(double x, double y) const {
  return origin_ + right_ * static_cast<float>(x * unit_) + down_ * static_cast<float>(y * unit_);
}

cv::Mat FaceFrame::region(cv::Size image, double x0, double y0, double x1, double y1) const {
  cv::Mat m = cv::Mat::zeros(image, CV_8U);
  std::vector<cv::Point> quad;
  for (const auto& p : {at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)})
    quad.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
  cv::fillConvexPoly(m, quad, cv::Scalar(255));
  if (cv::countNonZero(m) == 0) return {};
  return m;
}

}  // namespace gaterig::device
