#include "simulator/bench/scene.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace gaterig {
namespace {
// The background weight (1 - w) depends only on the frame size: built once per size and thread,
// as three channels so it adds straight onto a BGR image.
const cv::Mat& background_weight(cv::Size size) {
  thread_local cv::Mat bg;
  if (bg.size() == size) return bg;
  cv::Mat w(size, CV_32F);
  const double cx = 0.5 * size.width, cy = 0.45 * size.height;
  const double rx = 0.28 * size.width, ry = 0.42 * size.height;
  for (int y = 0; y < size.height; ++y) {
    auto* row = w.ptr<float>(y);
    for (int x = 0; x < size.width; ++x) {
      const double r = std::hypot((x - cx) / rx, (y - cy) / ry);
      row[x] = static_cast<float>(1.0 - std::clamp((1.3 - r) / 0.5, 0.0, 1.0));
    }
  }
  cv::merge(std::vector<cv::Mat>{w, w, w}, bg);
  return bg;
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
  const double auto_exposure = 1.0 / (1.0 + 1.2 * light.back);
  const double total = light.ambient + light.front + 0.3 * light.back;
  const double sigma = 12.0 * std::max(0.0, 1.0 - total / 0.4);
  if (gain * auto_exposure == 1.0 && light.back == 0.0 && sigma == 0.0) return displayed.clone();

  cv::Mat img;
  displayed.convertTo(img, CV_32FC3, gain * auto_exposure, 30.0 * light.back);
  if (light.back > 0.0) cv::scaleAdd(background_weight(displayed.size()), 255.0 * light.back, img, img);
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
