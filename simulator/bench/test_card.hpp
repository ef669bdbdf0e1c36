#pragma once
// What `gaterig bench sim` shows on the virtual monitor when no rig drives it: a mid-grey
// background, a face-sized bright ellipse where the fixtures put faces, the frame number, and a
// marker patch in the top-left corner that alternates black/white every frame (the patch a
// photodiode watches on a real rig).
#include <cstdint>

#include <opencv2/core.hpp>

namespace gaterig {

cv::Mat test_card(cv::Size size, std::uint64_t frame);

}  // namespace gaterig
