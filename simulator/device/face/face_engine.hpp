#pragma once
// The simulated terminal's face engine: enrollment from the platform's photos, and per-frame
// analysis (face, best match and runner-up, mask, helmet, liveness). It decides nothing about
// access: the terminal's policy reads FrameAnalysis and applies its threshold decisions, access
// windows and repeat suppression. Two engines behind this interface, chosen by config:
//   dnn      YuNet detector + fr_feature.onnx 512-D embeddings (cosine) + Gallery 1:N search;
//            liveness = artefact-frame cue + fr_liveness.onnx + print tonal range (liveness.hpp)
//   classic  Haar cascade + LBPH (cv::face) with a distance threshold; linear in the gallery
//            (scales to about 1,000 persons, see README.md); the same wear and liveness cues.
// `auto` (the default) is dnn when its models are found, else classic.
// Thread-safe: calls are serialised by an internal mutex (enrollment from the platform sync thread
// and analysis from the camera thread may overlap).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/event.hpp"
#include "simulator/device/face/engine_config.hpp"

namespace gaterig::device {

enum class EnrollStatus { enrolled, replaced, decode_error, no_face, several_faces, too_small, store_full };
const char* to_string(EnrollStatus s);

struct EnrollResult {
  EnrollStatus status = EnrollStatus::no_face;
  std::string reason;  // human text: what was wrong with the photo ("2 faces, expected 1")
  bool ok() const { return status == EnrollStatus::enrolled || status == EnrollStatus::replaced; }
  Json to_json() const;
};
std::ostream& operator<<(std::ostream& os, const EnrollResult& r);

struct Match {
  std::string person;
  float similarity = 0;  // dnn: cosine; classic: 1 − distance / lbph_max_distance (≥ 0 means within it)
};

struct Flag {
  bool checked = false;  // false: the check is switched off or could not be measured
  bool present = false;
  double score = 0;
};

struct Liveness {
  bool checked = false;
  bool live = true;
  double score = 0;    // the deciding cue's score (see cue)
  std::string cue;     // "quad" | "frame" | "model" | "tone" when a spoof; "all" when live
  double quad = 0, frame = 0, model = -1, tone_low = 0, tone_spread = 0;  // every cue's raw value (model −1: not run)
};

enum class Refusal { none, no_face, exposure, masked };
// Why the engine would not attempt a match on this frame.
const char* to_string(Refusal r);

struct FrameAnalysis {
  bool face_found = false;
  int faces = 0;             // faces detected in the frame
  cv::Rect2f box;            // of the face analysed (the best one)
  double detector_score = 0;
  double quality = 0;        // 0..1: detector score × size (eye distance ≥ 40 px → 1)
  double exposure = 0;       // mean grey level of the face's inner region, 0..255
  Refusal refusal = Refusal::no_face;
  std::optional<Match> best, runner_up;
  bool matched = false;      // best clears the engine's match threshold (and no refusal)
  std::string matched_on;    // "face" | "periocular" (masked: the upper face matched, best is that match)
  // The upper face's best match, when it was searched; its similarity is the decision score
  // (fused upper-face + whole-face score plus the margin term, engine_config.hpp), not a cosine.
  std::optional<Match> periocular;
  double occlusion = -1;     // occlusion cue (engine_config.hpp), -1 when not measured
  bool light_normalised = false;    // the face crop was re-exposed before embedding (face_crop.hpp)
  Flag mask, helmet;
  Liveness liveness;
  std::chrono::microseconds elapsed{0};
  Json to_json() const;
};
std::ostream& operator<<(std::ostream& os, const FrameAnalysis& a);

class FaceEngine {
 public:
  virtual ~FaceEngine() = default;
  // Opens the engine config.engine names. With a non-empty data_dir the gallery is loaded from
  // data_dir/face_gallery.bin (when present) and saved there after every enrollment change.
  // Throws std::runtime_error naming what is missing (a model, a cascade), GalleryFileError for
  // a corrupt gallery file.
  static std::unique_ptr<FaceEngine> open(const FaceEngineConfig& config, const std::filesystem::path& data_dir = {});

  virtual std::string name() const = 0;  // "dnn" | "classic"
  virtual const FaceEngineConfig& config() const = 0;
  // Degraded profiles may change thresholds at run time (capacity too).
  virtual void reconfigure(const FaceEngineConfig& config) = 0;

  // A photo (JPEG/PNG bytes, as headImage carries it, Base64-decoded).
  virtual EnrollResult enroll(const std::string& person, std::span<const std::uint8_t> photo) = 0;
  virtual EnrollResult enroll_image(const std::string& person, const cv::Mat& bgr) = 0;
  // Many photos at once (a page of the worker sync): the dnn engine decodes, detects and embeds
  // them on `config().enroll_threads` threads, then adds them to the gallery in order. Same
  // results as enroll() one by one (the default implementation does exactly that).
  struct EnrollItem {
    std::string person;
    std::span<const std::uint8_t> photo;
  };
  virtual std::vector<EnrollResult> enroll_batch(std::span<const EnrollItem> items);
  virtual bool remove(const std::string& person) = 0;
  virtual std::size_t enrolled() const = 0;
  virtual bool is_enrolled(const std::string& person) const = 0;

  virtual FrameAnalysis analyse(const cv::Mat& frame) = 0;

  // Enrollment changes reach the gallery file at most once per second (a 10,000-person file is
  // 20 MB; saving it per enrollment would make bulk enrollment quadratic) and on flush() and
  // destruction. A power cut can lose the last second of enrollments: the platform re-syncs them.
  virtual void flush() = 0;
};

}  // namespace gaterig::device
