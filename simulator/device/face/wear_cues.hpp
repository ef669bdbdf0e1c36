#pragma once
// What the face wears (JX-A.4 masks, JX-A.5 safety helmets), from colour statistics of parts of
// the face in its own frame (face_frame.hpp). Documented cues, tuned on the rig's presentations
// (fixtures/variants/wearables.cpp) against plain faces; measured rates in README.md.
//
// Mask: a mask replaces the lower face's skin with fabric. The cue compares the median colour of
//   the lower face (mouth and chin, below the nose landmark) with the median colour of the skin
//   under the eyes (above the mask's top edge) in CIE Lab: score = ΔE (CIE76).
// Helmet: a helmet shell is a uniform, saturated (or bright white) region above the brow, where a
//   bare head shows hair or skin. The cue takes the band above the brow and scores the fraction of
//   its pixels that are strongly saturated and not skin-toned, or bright and neutral, times how
//   uniform that band's hue is.
#include <opencv2/core.hpp>

#include "fixtures/face/detector.hpp"

namespace gaterig::device {

struct MaskMeasure {
  double delta_e = 0;      // lower face vs skin reference
  double lower_chroma = 0; // chroma of the lower face (a*, b* distance from neutral)
  double skin_chroma = 0;
  double lower_spread = 0;  // median ΔE of the lower face's pixels from their median
  bool measurable = false; // false: the regions fell outside the image
  double score() const { return delta_e; }
};

struct HelmetMeasure {
  double shell_fraction = 0;  // saturated-or-bright-neutral, non-skin pixels above the brow
  double uniformity = 0;      // 1 − normalised spread of those pixels' colour
  bool measurable = false;
  double score() const { return shell_fraction * uniformity; }
};

MaskMeasure measure_mask(const cv::Mat& bgr, const fixtures::DetectedFace& face);
HelmetMeasure measure_helmet(const cv::Mat& bgr, const fixtures::DetectedFace& face);

}  // namespace gaterig::device
