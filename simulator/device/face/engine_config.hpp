#pragma once
// The face engine's settings: which engine, where its models are, and every threshold a degraded
// behaviour profile may move. Defaults are the compliant terminal's, chosen from the measurements
// in README.md.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace gaterig::device {

struct FaceEngineConfig {
  std::string engine = "auto";        // auto | dnn | classic
  std::filesystem::path model_dir;    // holds yunet-static.onnx (and/or fr_*.onnx); empty: find_face_models()
  std::size_t capacity = 10000;       // enrolled persons; beyond it enrollment fails (store_full)
  int enroll_threads = 2;             // photos decoded, detected and embedded at once by enroll_batch (dnn)

  // detection
  float detector_threshold = 0.7F;    // YuNet score; below NOTES' 0.9 so masked faces are still found
  int min_enroll_eye_px = 20;         // enrollment photo: eye distance below this → too_small
  double several_faces_area = 0.25;   // a second face at least this fraction of the first's area → several_faces

  // matching
  double match_threshold = 0.5;       // dnn cosine (NOTES: ORL 98.4 % genuine, 0 false matches at 0.5)
  double lbph_max_distance = 90.0;    // classic: LBPH chi-square distance accepted
  bool match_masked = true;           // false (profile no-mask): no match attempted when a mask is seen
  // Masked faces (JX-A.4): the upper face against a second gallery of upper faces made at
  // enrollment (face_crop.hpp), when the whole face does not match and the face looks covered:
  // the mask cue, or the occlusion cue (the whole face's embedding next to the embedding of the
  // same crop with the lower face covered: a face already covered barely changes). Scored per
  // person as centred upper-face cosine + periocular_face_weight x whole-face cosine, and decided
  // on that best + periocular_margin_weight x (best - runner-up) against periocular_threshold
  // (dnn_engine.cpp; measured: README.md).
  bool match_periocular = true;
  double periocular_threshold = 1.05;
  double periocular_face_weight = 0.5;
  double periocular_margin_weight = 1.0;
  double periocular_occlusion_min = 0.625;  // occlusion cue at or above: searched as a masked face (README.md)
  bool periocular_always = false;     // true: every unmatched face is searched, covered or not (measured: README.md)
  bool periocular_measure = false;    // benches: search the upper face on every frame (FrameAnalysis::periocular)
  // Light (JX-A.6): re-expose a badly exposed face crop before embedding (face_crop.hpp).
  // Off: measured no gain on the sim rig's light (README.md), kept to be measured again.
  bool normalise_light = false;
  // Face-priority exposure (face_crop.hpp dark_face_gain, bright_surround): with back light in
  // view, a face whose lit skin (90th percentile grey) is below dark_face_level is brightened by
  // a plain gain to dark_face_target before embedding. 0: off.
  double dark_face_level = 100;
  double dark_face_target = 125;

  // light (profile light-sensitive narrows this): face exposure outside → refusal "exposure"
  double exposure_min = 0.0, exposure_max = 255.0;

  // wearables
  bool check_mask = true;
  double mask_threshold = 3.0;        // MaskMeasure: ΔE / (1 + spread)
  bool check_helmet = true;
  double helmet_threshold = 0.75;     // HelmetMeasure::score

  // liveness
  bool check_liveness = true;
  double liveness_quad_threshold = 0.8;   // enclosing-quad edge support at or above → spoof (cue "quad")
  double liveness_frame_threshold = 2.2;  // frame-edge score at or above → spoof (cue "frame")
  double liveness_model_min = 1e-4;       // fr_liveness live probability below → spoof (cue "model")
  bool liveness_use_model = true;
  bool liveness_model_always = false;     // benches: run the model even when another cue decided
  double liveness_tone_low_min = 999;     // print tonal floor cue: off by default (see README.md)

  // What a degraded profile removed, set only by apply_face_profile, never by a file or /params:
  // a vendor who lowered a spec does not let a remote parameter restore it. check_liveness,
  // check_helmet and match_threshold stay what the terminal REPORTS (it claims to comply); these
  // decide what it does.
  bool liveness_removed = false;                // no-liveness: no liveness check whatever check_liveness says
  bool helmet_removed = false;                  // no-helmet
  double match_threshold_ceiling = 1.0;         // loose: the dnn threshold in effect is at most this

    // Reads a [device.face] style table; unknown keys are errors naming the key.
  static FaceEngineConfig from(const Config& table);
};

// Named degraded profiles, applied on top of a config: "loose" (match threshold 0.3), "no-liveness",
// "no-helmet", "no-mask" (no match with a mask), "light-sensitive" (exposure 70..180), "small-store"
// (capacity 100). Throws std::invalid_argument for an unknown name, listing the known ones.
void apply_face_profile(FaceEngineConfig& config, std::string_view profile);

}  // namespace gaterig::device
