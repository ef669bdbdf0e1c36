#include "simulator/device/face/face_crop.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include "fixtures/face/align.hpp"

namespace gaterig::device {
namespace {

// The inner face in the aligned crop: from the brows to below the mouth, between the outer eye
// corners (reference eyes at y 51.7, mouth corners at y 92.3, x 38..74).
const cv::Rect kInner(26, 40, 60, 60);

// What a well-lit face spans there (ORL, Yale and synthetic normal-light photos: README.md).
constexpr double kTargetLow = 25, kTargetHigh = 230;

cv::Mat grey_of(const cv::Mat& bgr) {
  cv::Mat g;
  cv::cvtColor(bgr, g, cv::COLOR_BGR2GRAY);
  return g;
}

}  // namespace

bool CropExposure::well_exposed() const {
  // Measured on normal-light faces: median 80..190, spread >= 110 and not clipped. Strong front
  // light clips the skin (high 255, median > 200); a bright background's auto-exposure leaves the
  // face dark and flat (median < 100, spread < 100).
  return median >= 70 && median <= 195 && high - low >= 100 && high < 252;
}

CropExposure measure_crop_exposure(const cv::Mat& aligned_bgr) {
  CropExposure e;
  const cv::Rect r = kInner & cv::Rect(0, 0, aligned_bgr.cols, aligned_bgr.rows);
  if (r.area() <= 0) return e;
  const cv::Mat g = grey_of(aligned_bgr(r));
  std::array<int, 256> hist{};
  for (int y = 0; y < g.rows; ++y)
    for (int x = 0; x < g.cols; ++x) ++hist[g.at<uchar>(y, x)];
  const int n = r.area();
  int acc = 0;
  bool low = false, mid = false;
  for (int v = 0; v < 256; ++v) {
    acc += hist[static_cast<std::size_t>(v)];
    if (!low && acc >= n * 2 / 100) e.low = v, low = true;
    if (!mid && acc >= n / 2) e.median = v, mid = true;
    if (acc >= n * 98 / 100) {
      e.high = v;
      break;
    }
  }
  return e;
}

cv::Mat normalise_light(const cv::Mat& aligned_bgr) {
  const CropExposure e = measure_crop_exposure(aligned_bgr);
  if (e.well_exposed()) return aligned_bgr;
  const double span = std::max(8.0, e.high - e.low);
  const double t_med = std::clamp((e.median - e.low) / span, 0.05, 0.95);
  const double gamma = std::clamp(std::log(0.5) / std::log(t_med), 0.4, 2.5);
  cv::Mat lut(1, 256, CV_8U);
  for (int v = 0; v < 256; ++v) {
    const double t = std::clamp((v - e.low) / span, 0.0, 1.0);
    lut.at<uchar>(v) = cv::saturate_cast<uchar>(kTargetLow + (kTargetHigh - kTargetLow) * std::pow(t, gamma));
  }
  cv::Mat out;
  cv::LUT(aligned_bgr, lut, out);
  return out;
}

double dark_face_gain(const cv::Mat& aligned_bgr, double dark_level, double target) {
  // the inner face from the brows down (the aligned crop's rows 30-100, between the outer eye
  // corners): its 90th percentile is the lit skin, whatever covers the eyes (sunglasses) or the mouth
  const cv::Rect inner = cv::Rect(26, 30, 60, 70) & cv::Rect(0, 0, aligned_bgr.cols, aligned_bgr.rows);
  if (inner.area() <= 0) return 1.0;
  const cv::Mat g = grey_of(aligned_bgr(inner));
  std::array<int, 256> hist{};
  for (int y = 0; y < g.rows; ++y)
    for (int x = 0; x < g.cols; ++x) ++hist[g.at<uchar>(y, x)];
  int acc = 0, p90 = 0;
  for (int v = 0; v < 256; ++v) {
    acc += hist[static_cast<std::size_t>(v)];
    if (acc >= inner.area() * 9 / 10) {
      p90 = v;
      break;
    }
  }
  if (p90 >= dark_level) return 1.0;
  return std::clamp(target / std::max(1, p90), 1.0, 3.0);
}

double bright_surround(const cv::Mat& frame_bgr) {
  if (frame_bgr.empty()) return 0;
  const cv::Mat g = frame_bgr.channels() == 1 ? frame_bgr : grey_of(frame_bgr);
  const int bx = std::max(1, g.cols / 20), by = std::max(1, g.rows / 20);
  long bright = 0, n = 0;
  for (int y = 0; y < g.rows; ++y) {
    const uchar* row = g.ptr<uchar>(y);
    const bool band = y < by || y >= g.rows - by;
    for (int x = 0; x < g.cols; ++x) {
      if (!band && x >= bx && x < g.cols - bx) {
        x = g.cols - bx - 1;
        continue;
      }
      ++n;
      bright += row[x] >= 230;
    }
  }
  return n ? static_cast<double>(bright) / static_cast<double>(n) : 0.0;
}

cv::Mat align_on_eyes(const cv::Mat& bgr, const cv::Point2f& right_eye, const cv::Point2f& left_eye, double scale,
                      double dy) {
  const cv::Point2f r0(fixtures::kArcFaceReference[0][0], fixtures::kArcFaceReference[0][1]);
  const cv::Point2f r1(fixtures::kArcFaceReference[1][0], fixtures::kArcFaceReference[1][1]);
  const cv::Point2f mid = (r0 + r1) * 0.5F, down(0, static_cast<float>(dy));
  const cv::Point2f q0 = mid + (r0 - mid) * static_cast<float>(scale) + down;
  const cv::Point2f q1 = mid + (r1 - mid) * static_cast<float>(scale) + down;
  const cv::Point2f dp = left_eye - right_eye, dq = q1 - q0;
  const double np = std::max(1e-3, std::hypot(static_cast<double>(dp.x), static_cast<double>(dp.y)));
  const double s = std::hypot(static_cast<double>(dq.x), static_cast<double>(dq.y)) / np;
  const double a = std::atan2(dq.y, dq.x) - std::atan2(dp.y, dp.x);
  const double c = s * std::cos(a), d = s * std::sin(a);
  cv::Mat m = (cv::Mat_<double>(2, 3) << c, -d, q0.x - (c * right_eye.x - d * right_eye.y), d, c,
               q0.y - (d * right_eye.x + c * right_eye.y));
  cv::Mat out;
  cv::warpAffine(bgr, out, m, cv::Size(fixtures::kAlignedSize, fixtures::kAlignedSize), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT);
  return out;
}

cv::Mat cover_lower_face(const cv::Mat& aligned_bgr, double scale, double dy) {
  cv::Mat out = aligned_bgr.clone();
  const double eyes = (fixtures::kArcFaceReference[0][1] + fixtures::kArcFaceReference[1][1]) / 2;
  const double nose = fixtures::kArcFaceReference[2][1];
  const int top = std::clamp(static_cast<int>(std::lround(eyes + dy + 0.4 * (nose - eyes) * scale)), 0, out.rows);
  out(cv::Rect(0, top, out.cols, out.rows - top)).setTo(cv::Scalar::all(128));
  return out;
}

std::vector<cv::Mat> upper_face_crops(const cv::Mat& bgr, const cv::Point2f& right_eye, const cv::Point2f& left_eye,
                                     bool normalise) {
  static constexpr double kPlacements[][2] = {{1.0, 0.0}, {0.92, 0.0}, {1.08, 0.0}, {1.0, -3.0}, {1.0, 3.0}};
  std::vector<cv::Mat> out;
  for (const auto& [scale, dy] : kPlacements) {
    const cv::Mat crop = align_on_eyes(bgr, right_eye, left_eye, scale, dy);
    out.push_back(cover_lower_face(normalise ? normalise_light(crop) : crop, scale, dy));
  }
  return out;
}

}  // namespace gaterig::device
