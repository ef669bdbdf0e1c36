#pragma once
// What the window shows, pixel for pixel: the face letterboxed on a neutral grey canvas and the
// photon marker patch in one corner, drawn into ONE image so the toolkit puts them on screen in
// one paint (the marker can never flip a frame before or after the face).
//
// Marker code: WHITE = a presentation (face) is on screen, BLACK = the neutral frame. A
// photodiode with a comparator on the patch sees a rising edge at every presentation and a
// falling edge when the neutral frame returns; the trial runner shows neutral() between
// presentations, so every presentation has its own rising edge.
#include <opencv2/core.hpp>

#include "rigs/display/display.hpp"

namespace gaterig::display {

inline constexpr int kNeutralGrey = 128;
inline const cv::Scalar kMarkerFace = cv::Scalar::all(255);
inline const cv::Scalar kMarkerNeutral = cv::Scalar::all(0);

cv::Rect marker_rect(cv::Size canvas, const MarkerConfig& marker);
// Where a face of `face` size lands: scaled to fit the canvas, aspect kept, centred.
cv::Rect face_rect(cv::Size face, cv::Size canvas);
// `face` may be empty: the neutral frame (grey, marker black). Otherwise marker white.
cv::Mat compose_frame(const cv::Mat& face, cv::Size canvas, const MarkerConfig& marker);

}  // namespace gaterig::display
