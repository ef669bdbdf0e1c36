#include "simulator/device/face/engine_config.hpp"

#include <stdexcept>

namespace gaterig::device {

FaceEngineConfig FaceEngineConfig::from(const Config& t) {
  t.reject_unknown({"engine", "model_dir", "capacity", "enroll_threads", "detector_threshold", "min_enroll_eye_px", "several_faces_area",
                    "match_threshold", "lbph_max_distance", "match_masked", "match_periocular",
                    "periocular_threshold", "periocular_face_weight", "periocular_margin_weight", "periocular_occlusion_min",
                    "periocular_always", "normalise_light", "dark_face_level", "dark_face_target", "exposure_min", "exposure_max", "check_mask",
                    "mask_threshold", "check_helmet", "helmet_threshold", "check_liveness", "liveness_quad_threshold", "liveness_frame_threshold",
                    "liveness_model_min", "liveness_use_model", "liveness_tone_low_min"});
  FaceEngineConfig c;
  c.engine = t.get_string("engine", c.engine);
  if (c.engine != "auto" && c.engine != "dnn" && c.engine != "classic") t.fail("engine", "expected auto, dnn or classic");
  if (t.has("model_dir")) c.model_dir = t.resolve(t.get_string("model_dir"));
  const auto cap = t.get_int("capacity", static_cast<std::int64_t>(c.capacity));
  if (cap < 1) t.fail("capacity", "expected at least 1");
  c.capacity = static_cast<std::size_t>(cap);
  c.enroll_threads = static_cast<int>(t.get_int("enroll_threads", c.enroll_threads));
  if (c.enroll_threads < 1 || c.enroll_threads > 64) t.fail("enroll_threads", "expected 1 to 64");
  c.detector_threshold = static_cast<float>(t.get_double("detector_threshold", c.detector_threshold));
  c.min_enroll_eye_px = static_cast<int>(t.get_int("min_enroll_eye_px", c.min_enroll_eye_px));
  c.several_faces_area = t.get_double("several_faces_area", c.several_faces_area);
  c.match_threshold = t.get_double("match_threshold", c.match_threshold);
  c.lbph_max_distance = t.get_double("lbph_max_distance", c.lbph_max_distance);
  c.match_masked = t.get_bool("match_masked", c.match_masked);
  c.match_periocular = t.get_bool("match_periocular", c.match_periocular);
  c.periocular_threshold = t.get_double("periocular_threshold", c.periocular_threshold);
  c.periocular_face_weight = t.get_double("periocular_face_weight", c.periocular_face_weight);
  c.periocular_margin_weight = t.get_double("periocular_margin_weight", c.periocular_margin_weight);
  c.periocular_occlusion_min = t.get_double("periocular_occlusion_min", c.periocular_occlusion_min);
  c.periocular_always = t.get_bool("periocular_always", c.periocular_always);
  c.normalise_light = t.get_bool("normalise_light", c.normalise_light);
  c.dark_face_level = t.get_double("dark_face_level", c.dark_face_level);
  c.exposure_min = t.get_double("exposure_min", c.exposure_min);
  c.exposure_max = t.get_double("exposure_max", c.exposure_max);
  if (c.exposure_min > c.exposure_max) t.fail("exposure_min", "expected exposure_min <= exposure_max");
  c.check_mask = t.get_bool("check_mask", c.check_mask);
  c.mask_threshold = t.get_double("mask_threshold", c.mask_threshold);
  c.check_helmet = t.get_bool("check_helmet", c.check_helmet);
  c.helmet_threshold = t.get_double("helmet_threshold", c.helmet_threshold);
  c.check_liveness = t.get_bool("check_liveness", c.check_liveness);
  c.liveness_quad_threshold = t.get_double("liveness_quad_threshold", c.liveness_quad_threshold);
  c.liveness_frame_threshold = t.get_double("liveness_frame_threshold", c.liveness_frame_threshold);
  c.liveness_model_min = t.get_double("liveness_model_min", c.liveness_model_min);
  c.liveness_use_model = t.get_bool("liveness_use_model", c.liveness_use_model);
  c.liveness_tone_low_min = t.get_double("liveness_tone_low_min", c.liveness_tone_low_min);
  return c;
}

void apply_face_profile(FaceEngineConfig& c, std::string_view p) {
  if (p == "loose") c.match_threshold = c.match_threshold_ceiling = 0.3, c.lbph_max_distance *= 1.5;
  else if (p == "no-liveness") c.check_liveness = false, c.liveness_removed = true;
  else if (p == "no-helmet") c.check_helmet = false, c.helmet_removed = true;
  else if (p == "no-mask") c.match_masked = false, c.match_periocular = false;
  else if (p == "light-sensitive") c.exposure_min = 70, c.exposure_max = 180, c.normalise_light = false, c.dark_face_level = 0;
  else if (p == "small-store") c.capacity = 100;
  else
    throw std::invalid_argument("unknown face profile '" + std::string(p) +
                                "' (known: loose, no-liveness, no-helmet, no-mask, light-sensitive, small-store)");
}

}  // namespace gaterig::device
