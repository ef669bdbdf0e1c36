#pragma once
// A face's own coordinate frame, so the mask, helmet and exposure cues look at the same part of
// the face whatever its size and roll: origin between the eyes, x along the eye line (towards the
// image-right eye), y down the face, unit = the eye distance. The fixtures place masks and helmets
// in the same frame (fixtures/variants/wearables.cpp), which is what the rig shows.
#include <opencv2/core.hpp>

#include "fixtures/face/detector.hpp"

namespace gaterig::device {

class FaceFrame {
 public:
  explicit FaceFrame(const fixtures::DetectedFace& face);
  cv::Point2f at(double x, double y) const;
  // The pixels of `image` inside the face-frame rectangle [x0, x1] × [y0, y1] (rotated with the
  // face), as an 8-bit mask of the image's size; empty when the region falls outside the image.
  cv::Mat region(cv::Size image, double x0, double y0, double x1, double y1) const;
  float unit() const { return unit_; }

 private:
  cv::Point2f origin_, right_, down_;
  float unit_;
};

}  // namespace gaterig::device
