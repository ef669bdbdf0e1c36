#pragma once
// What both engines do around recognition: pick the face, check its exposure, the wearables and
// liveness; and check an enrollment photo. Kept apart so dnn and classic behave the same way.
#include <opencv2/core.hpp>

#include <optional>
#include <span>

#include "fixtures/face/detector.hpp"
#include "simulator/device/face/face_engine.hpp"
#include "simulator/device/face/liveness_cues.hpp"

namespace gaterig::device {

// Fills everything in `a` except the match; returns the face to recognise, or nothing (a.refusal
// says why). `liveness_model` may be null (model cue not run).
std::optional<fixtures::DetectedFace> check_frame(const cv::Mat& bgr, const std::vector<fixtures::DetectedFace>& faces,
                                                  const FaceEngineConfig& config, LivenessModel* liveness_model,
                                                  FrameAnalysis& a);

// Decodes and checks an enrollment photo; on success `face` and `bgr` are set.
EnrollResult decode_photo(std::span<const std::uint8_t> photo, cv::Mat& bgr);
EnrollResult check_enrollment_faces(const std::vector<fixtures::DetectedFace>& faces, const FaceEngineConfig& config,
                                    fixtures::DetectedFace& face);

double face_exposure(const cv::Mat& bgr, const fixtures::DetectedFace& face);

}  // namespace gaterig::device
