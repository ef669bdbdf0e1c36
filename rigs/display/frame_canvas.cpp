#include "rigs/display/frame_canvas.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace gaterig::display {

cv::Rect marker_rect(cv::Size canvas, const MarkerConfig& marker) {
  const int s = std::min({marker.size_px, canvas.width, canvas.height});
  const bool right = marker.corner == MarkerCorner::top_right || marker.corner == MarkerCorner::bottom_right;
  const bool bottom = marker.corner == MarkerCorner::bottom_left || marker.corner == MarkerCorner::bottom_right;
  return {right ? canvas.width - s : 0, bottom ? canvas.height - s : 0, s, s};
}

cv::Rect face_rect(cv::Size face, cv::Size canvas) {
  if (face.width <= 0 || face.height <= 0) return {};
  const double scale = std::min(static_cast<double>(canvas.width) / face.width,
                                static_cast<double>(canvas.height) / face.height);
  const int w = std::max(1, static_cast<int>(std::lround(face.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(face.height * scale)));
  return {(canvas.width - w) / 2, (canvas.height - h) / 2, std::min(w, canvas.width), std::min(h, canvas.height)};
}

cv::Mat compose_frame(const cv::Mat& face, cv::Size canvas, const MarkerConfig& marker) {
  cv::Mat out(canvas, CV_8UC3, cv::Scalar::all(kNeutralGrey));
  if (!face.empty()) {
    const cv::Rect r = face_rect(face.size(), canvas);
    if (r.size() == face.size()) {
      face.copyTo(out(r));
    } else {
      const int interp = r.width < face.cols ? cv::INTER_AREA : cv::INTER_LINEAR;
      cv::resize(face, out(r), r.size(), 0, 0, interp);
    }
  }
  out(marker_rect(canvas, marker)).setTo(face.empty() ? kMarkerNeutral : kMarkerFace);
  return out;
}

}  // namespace gaterig::display
