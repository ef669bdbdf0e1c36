#pragma once
// Presentation-attack cues (JX-A.9) for what the rig shows: a printed photo held up, a photo or a
// video on a phone or tablet. Each cue is a number; liveness.hpp combines them.
//
//  model     fr_liveness.onnx (npm faceplugin-face-recognition-js@0.0.1), fed as its own JavaScript
//            does: the face box enlarged 2.7× (shifted to stay inside the frame), resized to
//            128x128, RGB, raw 0..255; softmax of 3 classes, class 0 = live.
//  frame     a rectangle around the face: the edge of the paper or the device's bezel. Long straight
//            edges (probabilistic Hough on Canny) in the ring between 1.15× and 2.6× the face box,
//            summed length over the face width. A live face in front of the camera has shoulders,
//            hair and a room behind it, rarely long straight edges all around.
//  quad      the outline of the held artefact (the paper's edge, the phone's or tablet's body): a
//            convex quadrilateral in the frame's edges that encloses the whole face box, its
//            straight sides carrying the edge contour (the share of the contour's points within
//            2.5 px of the quad's sides, at a scale where the face is ~70 px wide). A live head's
//            outline is curved, and a door or window frame behind a person rarely encloses the
//            face box on all four sides. Works at any framing: it does not assume where the
//            artefact's edge lies relative to the face (the `frame` ring does, and misses the
//            tight border of a small photo).
//  range     print compresses the tonal range (ink on paper: no deep black, no specular white):
//            the 1st..99th percentile spread of the face's grey levels.
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <filesystem>

#include "fixtures/face/detector.hpp"

namespace gaterig::device {

// Thread-compatible, not thread-safe.
class LivenessModel {
 public:
  // Throws std::runtime_error naming the file when it is missing or does not load.
  explicit LivenessModel(const std::filesystem::path& model_file);
  // Probability of class 0 ("live") in [0, 1].
  double live_probability(const cv::Mat& bgr, const fixtures::DetectedFace& face);

 private:
  cv::dnn::Net net_;
};

struct FrameEdges {
  double length_over_face = 0;  // summed length of long straight edges around the face / face width
  int sides = 0;                // how many of the 4 sides (left, right, above, below) have one
};
FrameEdges measure_frame_edges(const cv::Mat& bgr, const fixtures::DetectedFace& face);

// The best enclosing quadrilateral's edge support in [0, 1] (0: none found).
double measure_enclosing_quad(const cv::Mat& bgr, const fixtures::DetectedFace& face);

struct TonalRange {
  double low = 0, high = 0;  // 1st and 99th percentile grey level inside the face box
  double spread() const { return high - low; }
};
TonalRange measure_tonal_range(const cv::Mat& bgr, const fixtures::DetectedFace& face);

}  // namespace gaterig::device
