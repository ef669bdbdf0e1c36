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

#include <vector>

namespace gaterig::device {

struct CropExposure {
  double low = 0, median = 0, high = 0;  // 2nd, 50th, 98th percentile grey of the inner face
  bool well_exposed() const;
};
CropExposure measure_crop_exposure(const cv::Mat& aligned_bgr);

// The crop as a WDR camera would have exposed it (the same crop when it is well exposed).
cv::Mat normalise_light(const cv::Mat& aligned_bgr);

// Face-priority exposure: a camera that meters on the face brightens a face left dark by a bright
// background (back light) with a plain gain, which keeps the face's contrast ratios (unlike
// normalise_light's stretch and gamma). The gain that brings the lit skin (90th percentile grey of
// the inner face, brows down, in the 5-point aligned crop) to `target`, when it is below
// `dark_level`; 1 otherwise. At most 3. Measured (README.md): normal-light ORL faces 131-212,
// helmets >= 126, masks >= 112; the rig's back light leaves 60-96.
double dark_face_gain(const cv::Mat& aligned_bgr, double dark_level, double target = 125);

// Back light in view: the share of the frame's outer ring (5 % of its width and height) that is
// near white (grey >= 230). The gain above is applied only with back light in view (>= 0.5): a face
// that is dark in an ordinary scene (darker skin, side light) is not under-exposed, and brightening
// it cost a held-out Yale genuine probe 0.52 -> 0.41 (README.md).
double bright_surround(const cv::Mat& frame_bgr);

// The 112x112 crop aligned on the two eyes only (the reference eye points), BGR. With `scale` the
// eyes go to the reference points scaled about their midpoint, with `dy` moved that many pixels down.
cv::Mat align_on_eyes(const cv::Mat& bgr, const cv::Point2f& right_eye, const cv::Point2f& left_eye,
                      double scale = 1.0, double dy = 0.0);

// The crop with the lower face covered by the terminal's generic mask (for a crop made with
// align_on_eyes' scale and dy, the same ones: the line follows the eyes).
cv::Mat cover_lower_face(const cv::Mat& aligned_bgr, double scale = 1.0, double dy = 0.0);

// The upper face as the masked-face search embeds it: the covered eyes-aligned crop at the
// reference scale, at 0.92x and 1.08x, and moved 3 px up and down. Their embeddings are averaged
// into one template (gallery and probe alike): the eye landmarks of a masked face, and the
// embedder's view of a ~30x40 px upper face, move by a few pixels; the average is steadier than
// any one crop (README.md: masked ORL genuine above every impostor 31 -> 33 of 40 in fold A).
// With `normalise`, each crop is re-exposed (normalise_light) before it is covered.
std::vector<cv::Mat> upper_face_crops(const cv::Mat& bgr, const cv::Point2f& right_eye, const cv::Point2f& left_eye,
                                     bool normalise = false);

}  // namespace gaterig::device
