#pragma once
// The simulated world between the monitor and the terminal's camera: what the camera sees of
// the displayed frame under the bench's lights. Deliberately simple, and deterministic for a
// given (frame, light, seed):
//   subject gain    g  = max(0.03, ambient + 1.5 × front)        strong front light over-exposes
//   auto-exposure   ae = 1 / (1 + 1.2 × back)                     back light darkens the subject
//   background glow    = 255 × back × (1 − w(x, y)) + 30 × back   back light brightens the edges
//   sensor noise    σ  = 12 × max(0, 1 − (ambient + front + 0.3 × back) / 0.4)   (grey levels,
//                   one value per pixel, the same on B, G and R)
//   camera          = clamp(displayed × g × ae + glow + N(0, σ))
// w(x, y) is 1 on a central ellipse where the fixtures put the face (centre (0.5, 0.45) of the
// frame, radii 0.28 × width and 0.42 × height at full weight up to 0.8 of the radius) and falls
// to 0 at 1.3 radii. Levels are 0..1. Normal light (ambient 1, front 0, back 0) is the identity.
#include <cstdint>
#include <ostream>

#include <opencv2/core.hpp>

#include "simulator/bench/lux_model.hpp"

namespace gaterig {

struct BenchLight {
  double front = 0.0;
  double back = 0.0;
  double ambient = 1.0;
  static BenchLight from(const LightLevels& levels);  // channels front, back, ambient
  bool operator==(const BenchLight&) const = default;
};
std::ostream& operator<<(std::ostream& os, const BenchLight& l);

class Scene {
 public:
  // `displayed` is 8-bit BGR (CV_8UC3); the result has the same size and type.
  cv::Mat render(const cv::Mat& displayed, const BenchLight& light, std::uint64_t seed) const;
};

}  // namespace gaterig
