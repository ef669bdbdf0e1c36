#include "simulator/bench/scene.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace gaterig {
namespace {
// The surround under back light: 0 next to the frame, rising to 1 at the outer edge, as one
// channel of weights (built once per size and thread).
const cv::Mat& surround_weight(cv::Size outer, cv::Rect inner) {
  thread_local cv::Mat w;
  thread_local cv::Rect for_inner;
  if (w.size() == outer && for_inner == inner) return w;
  w.create(outer, CV_32F);
  const double mx = std::max(1, inner.x), my = std::max(1, inner.y);
  for (int y = 0; y < outer.height; ++y) {
    auto* row = w.ptr<float>(y);
    const double dy = y < inner.y ? (inner.y - y) / my : y >= inner.br().y ? (y - inner.br().y + 1) / my : 0.0;
    for (int x = 0; x < outer.width; ++x) {
      const double dx = x < inner.x ? (inner.x - x) / mx : x >= inner.br().x ? (x - inner.br().x + 1) / mx : 0.0;
      row[x] = static_cast<float>(std::clamp(0.35 + 0.65 * std::max(dx, dy), 0.0, 1.0));
    }
  }
  for_inner = inner;
  return w;
}
}  // namespace

BenchLight BenchLight::from(const LightLevels& levels) {
  return BenchLight{levels.effective(bench_map::light::front), levels.effective(bench_map::light::back),
                    levels.effective(bench_map::light::ambient)};
}

std::ostream& operator<<(std::ostream& os, const BenchLight& l) {
  return os << "BenchLight(front " << l.front << ", back " << l.back << ", ambient " << l.ambient << ")";
}

cv::Mat Scene::render(const cv::Mat& displayed, const BenchLight& light, std::uint64_t seed) const {
  if (displayed.type() != CV_8UC3 || displayed.empty())
    throw std::invalid_argument("Scene::render: expected a non-empty 8-bit BGR frame");
  const double gain = std::max(0.03, light.ambient + 1.5 * light.front);
  const double auto_exposure = (gain > 1.0 ? std::pow(gain, -0.85) : 1.0) / (1.0 + 1.2 * light.back);
  const double veil = 40.0 * light.front;
  const double total = light.ambient + light.front + 0.3 * light.back;
  const double sigma = 12.0 * std::max(0.0, 1.0 - total / 0.4);
  if (gain * auto_exposure == 1.0 && light.back == 0.0 && veil == 0.0 && sigma == 0.0) return displayed.clone();

  cv::Mat img;
  displayed.convertTo(img, CV_32FC3, gain * auto_exposure, veil);
  if (light.back > 0.0) {
    const int mx = static_cast<int>(std::lround(0.2 * displayed.cols)), my = static_cast<int>(std::lround(0.2 * displayed.rows));
    cv::Mat framed;
    cv::copyMakeBorder(img, framed, my, my, mx, mx, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    const cv::Rect inner(mx, my, displayed.cols, displayed.rows);
    cv::Mat glow;
    surround_weight(framed.size(), inner).convertTo(glow, CV_32F, 255.0 * light.back);
    cv::Mat glow3;
    cv::merge(std::vector<cv::Mat>{glow, glow, glow}, glow3);
    glow3(inner).setTo(cv::Scalar::all(0));
    img = framed + glow3;
  }
  if (sigma > 0.0) {
    // One noise value per pixel, on all three channels: a third of the random numbers, and the
    // cost that dominates this function.
    cv::Mat noise(img.size(), CV_32F);
    cv::RNG rng(seed);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, sigma);
    cv::Mat noise3;
    cv::merge(std::vector<cv::Mat>{noise, noise, noise}, noise3);
    img += noise3;
  }
  cv::Mat out;
  img.convertTo(out, CV_8UC3);  // saturates: over-exposure clips at 255
  return out;
}

}  // namespace gaterig
