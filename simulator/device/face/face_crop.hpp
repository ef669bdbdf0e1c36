#pragma once
// What the dnn engine does to the aligned 112x112 face crop (fixtures/face/align.hpp: the eyes,
// nose tip and mouth corners on the ArcFace reference points) before the embedder sees it. Both
// work in the crop's fixed geometry, so they need no landmarks of their own and cost ~0.1 ms.
//
// Light: a camera with wide dynamic range meters on the face, not on the frame. When the face's
//   inner region is badly exposed (too dark, too bright, or its contrast squeezed, as under strong
//   front light or a bright background), its grey levels are remapped so that region's 2nd..98th
//   percentiles span what a well-lit face spans, with a gamma that puts its median at mid-grey.
//   A well-exposed face (every normal-light ORL, Yale and synthetic photo measured) is returned
//   unchanged, so normal-light recognition (JX-A.2) is the same with or without it.
// Periocular: the terminal's OWN generic mask model (not the rig's mask generator). The crop is
//   aligned on the eyes alone (under a mask the nose and mouth landmarks are guesses), and
//   everything below a line across the nose bridge, 40 % of the way from the eye line to the
//   nose tip, is covered with flat mid-grey. A face in any mask and the same face's enrollment
//   photo look alike once both are covered this way: the upper face (eyes, brows, forehead, nose
//   bridge) is what is left to match. (Lines at 15 % and 30 % were measured too: README.md.)
#include <opencv2/core.hpp>

namespace gaterig::device {

struct CropExposure {
  double low = 0, median = 0, high = 0;  // 2nd, 50th, 98th percentile grey of the inner face
  bool well_exposed() const;
};
CropExposure measure_crop_exposure(const cv::Mat& aligned_bgr);

// The crop as a WDR camera would have exposed it (the same crop when it is well exposed).
cv::Mat normalise_light(const cv::Mat& aligned_bgr);

// The 112x112 crop aligned on the two eyes only (the reference eye points), BGR.
cv::Mat align_on_eyes(const cv::Mat& bgr, const cv::Point2f& right_eye, const cv::Point2f& left_eye);

// The crop with the lower face covered by the terminal's generic mask.
cv::Mat cover_lower_face(const cv::Mat& aligned_bgr);

}  // namespace gaterig::device
