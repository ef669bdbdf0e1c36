#include "simulator/device/face/liveness_cues.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace gaterig::device {
namespace {

cv::Mat grey_of(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat g;
  cv::cvtColor(image, g, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return g;
}

cv::Mat bgr_of(const cv::Mat& image) {
  if (image.channels() == 3) return image;
  cv::Mat out;
  cv::cvtColor(image, out, image.channels() == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
  return out;
}

}  // namespace

LivenessModel::LivenessModel(const std::filesystem::path& model_file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model_file, ec))
    throw std::runtime_error("liveness model not found: " + model_file.string() +
                             " (./setup.sh --deps installs it, or set GATERIG_MODELS)");
  try {
    net_ = cv::dnn::readNetFromONNX(model_file.string());
  } catch (const cv::Exception& e) {
    throw std::runtime_error("cannot load liveness model " + model_file.string() + ": " + e.what());
  }
  if (net_.empty()) throw std::runtime_error("cannot load liveness model " + model_file.string());
}

double LivenessModel::live_probability(const cv::Mat& image, const fixtures::DetectedFace& face) {
  const cv::Mat bgr = bgr_of(image);
  const cv::Rect2f b = face.box;
  if (b.width < 1 || b.height < 1 || bgr.empty()) return 0.0;
  // alignLivenessImage() of the package's lib/fr_liveness.js.
  const float scale = std::min({(bgr.rows - 1) / b.height, (bgr.cols - 1) / b.width, 2.7F});
  const float w = b.width * scale, h = b.height * scale, cx = b.x + b.width / 2, cy = b.y + b.height / 2;
  float l = cx - w / 2, t = cy - h / 2, r = cx + w / 2, d = cy + h / 2;
  if (l < 0) { r -= l; l = 0; }
  if (t < 0) { d -= t; t = 0; }
  if (r > bgr.cols - 1) { l -= r - bgr.cols + 1; r = static_cast<float>(bgr.cols - 1); }
  if (d > bgr.rows - 1) { t -= d - bgr.rows + 1; d = static_cast<float>(bgr.rows - 1); }
  const cv::Rect crop = cv::Rect(std::max(0, static_cast<int>(l)), std::max(0, static_cast<int>(t)), static_cast<int>(r - l),
                                 static_cast<int>(d - t)) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (crop.area() <= 0) return 0.0;
  net_.setInput(cv::dnn::blobFromImage(bgr(crop), 1.0, cv::Size(128, 128), cv::Scalar(), /*swapRB=*/true, false));
  const cv::Mat out = net_.forward();
  const float* z = out.ptr<float>(0);
  const float top = std::max({z[0], z[1], z[2]});
  const double e0 = std::exp(z[0] - top), e1 = std::exp(z[1] - top), e2 = std::exp(z[2] - top);
  return e0 / (e0 + e1 + e2);
}

FrameEdges measure_frame_edges(const cv::Mat& image, const fixtures::DetectedFace& face) {
  FrameEdges out;
  const cv::Rect2f b = face.box;
  if (b.width < 8) return out;
  const cv::Point2f c(b.x + b.width / 2, b.y + b.height / 2);
  const float fw = std::max(b.width, b.height);
  const cv::Rect outer = cv::Rect(static_cast<int>(c.x - 1.3F * fw), static_cast<int>(c.y - 1.3F * fw),
                                  static_cast<int>(2.6F * fw), static_cast<int>(2.6F * fw)) &
                         cv::Rect(0, 0, image.cols, image.rows);
  if (outer.area() <= 0) return out;
  cv::Mat grey = grey_of(image(outer));
  // Work at a fixed scale: the face about 100 px wide.
  const double k = std::min(1.0, 100.0 / fw);
  if (k < 1.0) cv::resize(grey, grey, cv::Size(), k, k, cv::INTER_AREA);
  cv::Mat edges;
  cv::GaussianBlur(grey, grey, cv::Size(3, 3), 0.8);
  cv::Canny(grey, edges, 40, 100);
  // Blank the face and the frame's own border (the image edge is not an artefact edge).
  const cv::Point2f cl((c.x - outer.x) * static_cast<float>(k), (c.y - outer.y) * static_cast<float>(k));
  const float inner = 0.575F * fw * static_cast<float>(k);
  cv::rectangle(edges, cv::Rect(static_cast<int>(cl.x - inner), static_cast<int>(cl.y - inner), static_cast<int>(2 * inner),
                                static_cast<int>(2 * inner)),
                cv::Scalar(0), cv::FILLED);
  cv::rectangle(edges, cv::Rect(0, 0, edges.cols, edges.rows), cv::Scalar(0), 2);
  std::vector<cv::Vec4i> lines;
  const double min_len = 0.45 * fw * k;
  cv::HoughLinesP(edges, lines, 1, CV_PI / 180, static_cast<int>(min_len * 0.6), min_len, 3);
  std::array<bool, 4> side{};
  double total = 0;
  for (const auto& l : lines) {
    const cv::Point2f p(static_cast<float>(l[0]), static_cast<float>(l[1])), q(static_cast<float>(l[2]), static_cast<float>(l[3]));
    total += cv::norm(p - q);
    const cv::Point2f mid = (p + q) * 0.5F - cl;
    const bool horizontal = std::abs(q.x - p.x) > std::abs(q.y - p.y);
    if (horizontal) side[mid.y < 0 ? 2 : 3] = true;
    else side[mid.x < 0 ? 0 : 1] = true;
  }
  out.length_over_face = total / (fw * k);
  out.sides = static_cast<int>(std::count(side.begin(), side.end(), true));
  return out;
}

double measure_enclosing_quad(const cv::Mat& image, const fixtures::DetectedFace& face) {
  const cv::Rect2f b = face.box;
  if (b.width < 4 || b.height < 4 || image.empty()) return 0;
  const double k = std::clamp(70.0 / b.width, 0.1, 2.0);
  cv::Mat grey = grey_of(image);
  cv::resize(grey, grey, cv::Size(), k, k, k < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::GaussianBlur(grey, grey, cv::Size(3, 3), 0.8);
  cv::Mat edges;
  cv::Canny(grey, edges, 30, 90);
  cv::dilate(edges, edges, cv::Mat::ones(3, 3, CV_8U));
  const float fx = static_cast<float>(b.x * k), fy = static_cast<float>(b.y * k), fw = static_cast<float>(b.width * k),
              fh = static_cast<float>(b.height * k);
  const double face_area = static_cast<double>(fw) * fh;
  const cv::Point2f centre(fx + fw / 2, fy + fh / 2);
  const std::array<cv::Point2f, 4> corners = {cv::Point2f(fx, fy), cv::Point2f(fx + fw, fy), cv::Point2f(fx, fy + fh),
                                              cv::Point2f(fx + fw, fy + fh)};
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(edges, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  double best = 0;
  for (const auto& contour : contours) {
    if (contour.size() < 8) continue;
    std::vector<cv::Point> hull, quad;
    cv::convexHull(contour, hull);
    const double area = cv::contourArea(hull);
    if (area < 1.15 * face_area || area > 30 * face_area) continue;
    cv::approxPolyDP(hull, quad, 0.03 * cv::arcLength(hull, true), true);
    if (quad.size() != 4 || cv::pointPolygonTest(quad, centre, false) <= 0) continue;
    // The whole face inside it, with a fifth of the face's width of slack: the detector's box
    // reaches past the border of a photo the face fills (a tenth missed 1 of 80 ORL prints).
    bool encloses = true;
    for (const auto& c : corners) encloses = encloses && cv::pointPolygonTest(quad, c, true) >= -0.2 * fw;
    if (!encloses) continue;
    // Straight sides: the contour's points lie on the quad's outline.
    const std::size_t step = std::max<std::size_t>(1, contour.size() / 200);
    std::size_t on = 0, n = 0;
    for (std::size_t i = 0; i < contour.size(); i += step, ++n)
      on += std::abs(cv::pointPolygonTest(quad, cv::Point2f(contour[i]), true)) <= 2.5 ? 1 : 0;
    best = std::max(best, static_cast<double>(on) / static_cast<double>(std::max<std::size_t>(1, n)));
  }
  return best;
}

TonalRange measure_tonal_range(const cv::Mat& image, const fixtures::DetectedFace& face) {
  TonalRange t;
  const cv::Rect r = cv::Rect(face.box) & cv::Rect(0, 0, image.cols, image.rows);
  if (r.area() <= 0) return t;
  const cv::Mat grey = grey_of(image(r));
  int hist[256] = {};
  for (int y = 0; y < grey.rows; ++y)
    for (int x = 0; x < grey.cols; ++x) ++hist[grey.at<uchar>(y, x)];
  const int n = r.area();
  int acc = 0;
  bool low_set = false;
  for (int v = 0; v < 256; ++v) {
    acc += hist[v];
    if (!low_set && acc >= n / 100) { t.low = v; low_set = true; }
    if (acc >= n - n / 100) { t.high = v; break; }
  }
  return t;
}

}  // namespace gaterig::device
