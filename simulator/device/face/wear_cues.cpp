#include "simulator/device/face/wear_cues.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "simulator/device/face/face_frame.hpp"

namespace gaterig::device {
namespace {

// Lab in CIE units (L 0..100, a and b around 0) from 8-bit BGR.
cv::Mat to_lab(const cv::Mat& bgr) {
  cv::Mat f, lab;
  bgr.convertTo(f, CV_32FC3, 1.0 / 255);
  cv::cvtColor(f, lab, cv::COLOR_BGR2Lab);
  return lab;
}

// Per-channel median of the pixels under `mask`: robust to glasses frames, lips and pleats.
cv::Vec3f median_of(const cv::Mat& lab, const cv::Mat& mask) {
  std::vector<float> ch[3];
  for (int y = 0; y < lab.rows; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    const cv::Vec3f* p = lab.ptr<cv::Vec3f>(y);
    for (int x = 0; x < lab.cols; ++x)
      if (m[x])
        for (int c = 0; c < 3; ++c) ch[c].push_back(p[x][c]);
  }
  cv::Vec3f out(0, 0, 0);
  for (int c = 0; c < 3; ++c) {
    if (ch[c].empty()) continue;
    auto mid = ch[c].begin() + static_cast<long>(ch[c].size() / 2);
    std::nth_element(ch[c].begin(), mid, ch[c].end());
    out[c] = *mid;
  }
  return out;
}

// Median distance of the pixels under `mask` from `centre`: fabric is uniform, a mouth is not.
double spread_of(const cv::Mat& lab, const cv::Mat& mask, cv::Vec3f centre) {
  std::vector<float> d;
  for (int y = 0; y < lab.rows; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    const cv::Vec3f* p = lab.ptr<cv::Vec3f>(y);
    for (int x = 0; x < lab.cols; ++x)
      if (m[x]) d.push_back(static_cast<float>(cv::norm(p[x] - centre)));
  }
  if (d.empty()) return 0;
  auto mid = d.begin() + static_cast<long>(d.size() / 2);
  std::nth_element(d.begin(), mid, d.end());
  return *mid;
}

// Where the landmark lies in the face frame's y (units of eye distance below the eye line).
double local_y(const fixtures::DetectedFace& f, cv::Point2f p) {
  const cv::Point2f o = (f.right_eye() + f.left_eye()) * 0.5F;
  const cv::Point2f d = f.left_eye() - f.right_eye();
  const float n = std::max(1e-3F, std::hypot(d.x, d.y));
  const cv::Point2f down(-d.y / n, d.x / n);
  return (p - o).dot(down) / std::max(4.0F, n);
}

cv::Mat as_bgr(const cv::Mat& image) {
  if (image.channels() == 3) return image;
  cv::Mat out;
  cv::cvtColor(image, out, image.channels() == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
  return out;
}

// Only the part of the image near the face is converted: frames can be 1280x720.
struct FacePatch {
  cv::Mat bgr;
  fixtures::DetectedFace face;  // in the patch's pixels
};
FacePatch patch_around(const cv::Mat& image, const fixtures::DetectedFace& face, double margin) {
  const cv::Rect2f b = face.box;
  const cv::Rect want(static_cast<int>(b.x - margin * b.width), static_cast<int>(b.y - margin * b.height),
                      static_cast<int>(b.width * (1 + 2 * margin)), static_cast<int>(b.height * (1 + 2 * margin)));
  const cv::Rect r = want & cv::Rect(0, 0, image.cols, image.rows);
  FacePatch p;
  p.face = face;
  if (r.area() <= 0) return p;
  p.bgr = as_bgr(image(r));
  const cv::Point2f off(static_cast<float>(r.x), static_cast<float>(r.y));
  p.face.box.x -= off.x;
  p.face.box.y -= off.y;
  for (auto& l : p.face.landmarks) l -= off;
  return p;
}

}  // namespace

MaskMeasure measure_mask(const cv::Mat& image, const fixtures::DetectedFace& face) {
  MaskMeasure m;
  const FacePatch p = patch_around(image, face, 0.3);
  if (p.bgr.empty()) return m;
  const FaceFrame fr(p.face);
  const double nose = std::max(0.4, local_y(p.face, p.face.nose()));
  const double mouth = std::max(nose + 0.2, local_y(p.face, (p.face.mouth_left() + p.face.mouth_right()) * 0.5F));
  // Skin above any mask's top edge (the fixtures put it at 0.42 × the nose depth, ≥ 0.23).
  const cv::Mat skin = fr.region(p.bgr.size(), -0.75, 0.04, 0.75, std::min(0.2, nose * 0.3));
  // Between the nose tip and the chin, mouth corners' width: fabric or skin and lips.
  const cv::Mat lower = fr.region(p.bgr.size(), -0.5, (nose + mouth) * 0.5, 0.5, mouth + 0.35);
  if (skin.empty() || lower.empty()) return m;
  const cv::Mat lab = to_lab(p.bgr);
  const cv::Vec3f s = median_of(lab, skin), l = median_of(lab, lower);
  m.delta_e = cv::norm(s - l);
  m.lower_spread = spread_of(lab, lower, l);
  m.skin_chroma = std::hypot(s[1], s[2]);
  m.lower_chroma = std::hypot(l[1], l[2]);
  m.measurable = true;
  return m;
}

HelmetMeasure measure_helmet(const cv::Mat& image, const fixtures::DetectedFace& face) {
  HelmetMeasure h;
  const FacePatch p = patch_around(image, face, 0.8);
  if (p.bgr.empty()) return h;
  const FaceFrame fr(p.face);
  // A band above the brow (the fixtures' brim is at −0.45, its peak reaches −0.15 at the centre).
  const cv::Mat band = fr.region(p.bgr.size(), -0.6, -1.25, 0.6, -0.7);
  const cv::Mat skin = fr.region(p.bgr.size(), -0.75, 0.04, 0.75, 0.2);
  if (band.empty() || skin.empty()) return h;
  cv::Mat hsv;
  cv::cvtColor(p.bgr, hsv, cv::COLOR_BGR2HSV);
  const cv::Mat lab = to_lab(p.bgr);
  const cv::Vec3f s = median_of(lab, skin);
  int total = 0, shell = 0;
  std::vector<cv::Vec3f> shell_px;
  for (int y = 0; y < p.bgr.rows; ++y) {
    const uchar* m = band.ptr<uchar>(y);
    const cv::Vec3b* v = hsv.ptr<cv::Vec3b>(y);
    const cv::Vec3f* c = lab.ptr<cv::Vec3f>(y);
    for (int x = 0; x < p.bgr.cols; ++x) {
      if (!m[x]) continue;
      ++total;
      const bool saturated = v[x][1] > 150 && v[x][2] > 70;
      const bool bright_neutral = v[x][2] > 185 && v[x][1] < 45;
      const bool skin_like = std::hypot(c[x][1] - s[1], c[x][2] - s[2]) < 15;
      if ((saturated || bright_neutral) && !skin_like) {
        ++shell;
        shell_px.push_back(c[x]);
      }
    }
  }
  if (total == 0) return h;
  h.measurable = true;
  h.shell_fraction = static_cast<double>(shell) / total;
  if (shell_px.size() > 4) {
    cv::Scalar mean, sd;
    cv::meanStdDev(cv::Mat(shell_px), mean, sd);  // n×1, 3 channels: per channel
    const double spread = std::sqrt(sd[0] * sd[0] + sd[1] * sd[1] + sd[2] * sd[2]);
    h.uniformity = std::clamp(1.0 - spread / 40.0, 0.0, 1.0);
  }
  return h;
}

}  // namespace gaterig::device
