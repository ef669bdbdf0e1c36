#include "simulator/device/face/frame_checks.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "simulator/device/face/wear_cues.hpp"

namespace gaterig::device {

double face_exposure(const cv::Mat& bgr, const fixtures::DetectedFace& face) {
  // The inner face (the middle of the box), where the skin is: hair and background excluded.
  const cv::Rect2f b = face.box;
  const cv::Rect inner = cv::Rect(cv::Rect2f(b.x + 0.25F * b.width, b.y + 0.3F * b.height, 0.5F * b.width, 0.5F * b.height)) &
                         cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (inner.area() <= 0) return 0;
  const cv::Scalar m = cv::mean(bgr(inner));
  return bgr.channels() == 1 ? m[0] : 0.114 * m[0] + 0.587 * m[1] + 0.299 * m[2];
}

std::optional<fixtures::DetectedFace> check_frame(const cv::Mat& bgr, const std::vector<fixtures::DetectedFace>& faces,
                                                  const FaceEngineConfig& c, LivenessModel* model, FrameAnalysis& a) {
  a.faces = static_cast<int>(faces.size());
  if (faces.empty()) {
    a.refusal = Refusal::no_face;
    return std::nullopt;
  }
  // The face in front of the terminal: the largest (a detector's best score may be a background face).
  const auto it = std::max_element(faces.begin(), faces.end(),
                                   [](const auto& x, const auto& y) { return x.box.area() < y.box.area(); });
  const fixtures::DetectedFace& f = *it;
  a.face_found = true;
  a.box = f.box;
  a.detector_score = f.score;
  a.quality = std::clamp(static_cast<double>(f.has_landmarks ? f.score : 0.9F), 0.0, 1.0) *
              std::min(1.0, f.eye_distance() / 40.0);
  a.exposure = face_exposure(bgr, f);
  a.refusal = Refusal::none;

  if (c.check_mask || !c.match_masked) {  // no-mask must see the mask it refuses, whatever check_mask says
    const MaskMeasure m = measure_mask(bgr, f);
    a.mask.checked = m.measurable;
    a.mask.score = m.delta_e / (1.0 + m.lower_spread);
    a.mask.present = m.measurable && a.mask.score >= c.mask_threshold;
  }
  if (c.check_helmet && !c.helmet_removed) {
    const HelmetMeasure h = measure_helmet(bgr, f);
    a.helmet.checked = h.measurable;
    a.helmet.score = h.score();
    a.helmet.present = h.measurable && a.helmet.score >= c.helmet_threshold;
  }
  if (c.check_liveness && !c.liveness_removed) {
    Liveness& l = a.liveness;
    l.checked = true;
    const FrameEdges e = measure_frame_edges(bgr, f);
    // Four sides of a frame around the face is a held artefact; three sides need longer edges
    // (a helmet's brim and a collar make up to three short ones on a live face).
    l.frame = e.sides >= 4 ? e.length_over_face : (e.sides == 3 ? 0.5 * e.length_over_face : 0.0);
    l.quad = measure_enclosing_quad(bgr, f);
    const TonalRange t = measure_tonal_range(bgr, f);
    l.tone_low = t.low;
    l.tone_spread = t.spread();
    l.live = true;
    l.cue = "all";
    l.score = l.frame;
    if (l.quad >= c.liveness_quad_threshold) {
      l.live = false, l.cue = "quad", l.score = l.quad;
    } else if (l.frame >= c.liveness_frame_threshold) {
      l.live = false, l.cue = "frame";
    } else if (t.low >= c.liveness_tone_low_min) {
      l.live = false, l.cue = "tone", l.score = t.low;
    } else if (model != nullptr && c.liveness_use_model) {
      l.model = model->live_probability(bgr, f);
      if (l.model < c.liveness_model_min) l.live = false, l.cue = "model", l.score = l.model;
    }
    if (model != nullptr && c.liveness_use_model && l.model < 0 && c.liveness_model_always)
      l.model = model->live_probability(bgr, f);
  }
  if (a.exposure < c.exposure_min || a.exposure > c.exposure_max) {
    a.refusal = Refusal::exposure;
    return std::nullopt;
  }
  if (!c.match_masked && a.mask.present) {
    a.refusal = Refusal::masked;
    return std::nullopt;
  }
  return f;
}

EnrollResult decode_photo(std::span<const std::uint8_t> photo, cv::Mat& bgr) {
  EnrollResult r;
  if (photo.empty()) {
    r.status = EnrollStatus::decode_error;
    r.reason = "empty photo";
    return r;
  }
  try {
    const cv::Mat raw(1, static_cast<int>(photo.size()), CV_8U, const_cast<std::uint8_t*>(photo.data()));
    bgr = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    bgr.release();
  }
  if (bgr.empty()) {
    r.status = EnrollStatus::decode_error;
    r.reason = "cannot decode the photo (" + std::to_string(photo.size()) + " bytes; expected JPEG or PNG)";
    return r;
  }
  r.status = EnrollStatus::enrolled;
  return r;
}

EnrollResult check_enrollment_faces(const std::vector<fixtures::DetectedFace>& faces, const FaceEngineConfig& c,
                                    fixtures::DetectedFace& face) {
  EnrollResult r;
  if (faces.empty()) {
    r.status = EnrollStatus::no_face;
    r.reason = "no face found in the photo";
    return r;
  }
  std::vector<fixtures::DetectedFace> by_area = faces;
  std::sort(by_area.begin(), by_area.end(), [](const auto& x, const auto& y) { return x.box.area() > y.box.area(); });
  if (by_area.size() > 1 && by_area[1].box.area() >= c.several_faces_area * by_area[0].box.area()) {
    r.status = EnrollStatus::several_faces;
    r.reason = std::to_string(by_area.size()) + " faces in the photo, expected 1";
    return r;
  }
  face = by_area[0];
  const double eyes = face.has_landmarks ? face.eye_distance() : face.box.width * 0.42;
  if (eyes < c.min_enroll_eye_px) {
    r.status = EnrollStatus::too_small;
    r.reason = "face too small: eye distance " + std::to_string(static_cast<int>(std::lround(eyes))) + " px, need " +
               std::to_string(c.min_enroll_eye_px);
    return r;
  }
  r.status = EnrollStatus::enrolled;
  return r;
}

}  // namespace gaterig::device
