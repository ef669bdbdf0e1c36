#pragma once
// The simulated world between the monitor and the terminal's camera: what the camera sees of
// the displayed frame under the bench's lights. Deliberately simple, and deterministic for a
// given (frame, light, seed). The camera has the auto-exposure every terminal camera has; what
// remains for the terminal's own processing (WDR, face-region exposure) is a flatter,
// over-exposed face under strong light and a dark face before a bright surround under back light:
//   scene gain      g  = max(0.03, ambient + 1.5 × front)
//   auto-exposure   ae = g^-0.85 when g > 1 (it brings a brighter scene most of the way back,
//                   not all), 1 otherwise (in low light the camera is at its longest exposure);
//                   × 1 / (1 + 1.2 × back) (a bright back light in view darkens the subject)
//   veil               = 40 × front (the lamp reflected on the monitor's glass flattens contrast)
//   back light      the frame is set in a surround of 0.2 × its width/height on each side, lit
//                   255 × back towards the outer edge (a window behind the monitor): the camera's
//                   frame is then larger than the displayed one
//   sensor noise    σ  = 12 × max(0, 1 − (ambient + front + 0.3 × back) / 0.4)   (grey levels,
//                   one value per pixel, the same on B, G and R)
//   camera          = clamp(displayed × g × ae + veil + N(0, σ)), surround added around it
// Levels are 0..1. Normal light (ambient 1, front 0, back 0) is the identity.
// (Session 2 had no auto-exposure and a glow ellipse inside the frame: strong light clipped a
// face to white, and the ellipse, sized for small faces, cut into ORL's frame-filling faces.)
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
  // `displayed` is 8-bit BGR (CV_8UC3); the result has its type, and its size except under back
  // light (the surround).
  cv::Mat render(const cv::Mat& displayed, const BenchLight& light, std::uint64_t seed) const;
};

}  // namespace gaterig
