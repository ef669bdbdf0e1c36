#include "simulator/device/face/face_engine.hpp"

#include <ostream>

#include "fixtures/face/model_paths.hpp"
#include "simulator/device/face/engines.hpp"

namespace gaterig::device {

const char* to_string(EnrollStatus s) {
  switch (s) {
    case EnrollStatus::enrolled: return "enrolled";
    case EnrollStatus::replaced: return "replaced";
    case EnrollStatus::decode_error: return "decode-error";
    case EnrollStatus::no_face: return "no-face";
    case EnrollStatus::several_faces: return "several-faces";
    case EnrollStatus::too_small: return "too-small";
    case EnrollStatus::store_full: return "store-full";
  }
  return "?";
}

const char* to_string(Refusal r) {
  switch (r) {
    case Refusal::none: return "none";
    case Refusal::no_face: return "no-face";
    case Refusal::exposure: return "exposure";
    case Refusal::masked: return "masked";
  }
  return "?";
}

Json EnrollResult::to_json() const { return Json{{"status", to_string(status)}, {"ok", ok()}, {"reason", reason}}; }

std::ostream& operator<<(std::ostream& os, const EnrollResult& r) {
  os << to_string(r.status);
  if (!r.reason.empty()) os << " (" << r.reason << ")";
  return os;
}

namespace {
Json match_json(const std::optional<Match>& m) {
  if (!m) return nullptr;
  return Json{{"person", m->person}, {"similarity", m->similarity}};
}
Json flag_json(const Flag& f) { return Json{{"checked", f.checked}, {"present", f.present}, {"score", f.score}}; }
}  // namespace

Json FrameAnalysis::to_json() const {
  Json j{{"face_found", face_found},
         {"faces", faces},
         {"refusal", to_string(refusal)},
         {"matched", matched},
         {"matched_on", matched_on},
         {"periocular", match_json(periocular)},
         {"occlusion", occlusion},
         {"light_normalised", light_normalised},
         {"best", match_json(best)},
         {"runner_up", match_json(runner_up)},
         {"mask", flag_json(mask)},
         {"helmet", flag_json(helmet)},
         {"liveness",
          {{"checked", liveness.checked},
           {"live", liveness.live},
           {"cue", liveness.cue},
           {"score", liveness.score},
           {"quad", liveness.quad},
           {"frame", liveness.frame},
           {"model", liveness.model},
           {"tone_low", liveness.tone_low},
           {"tone_spread", liveness.tone_spread}}},
         {"elapsed_us", elapsed.count()}};
  if (face_found) {
    j["box"] = {box.x, box.y, box.width, box.height};
    j["detector_score"] = detector_score;
    j["quality"] = quality;
    j["exposure"] = exposure;
  }
  return j;
}

std::ostream& operator<<(std::ostream& os, const FrameAnalysis& a) {
  if (!a.face_found) return os << "no face (" << a.elapsed.count() << " us)";
  os << "face " << a.box.width << "x" << a.box.height << " q " << a.quality;
  if (a.refusal != Refusal::none) os << " refused: " << to_string(a.refusal);
  if (a.best) os << " best " << a.best->person << " " << a.best->similarity << (a.matched ? " MATCH" : " no match");
  if (a.mask.present) os << " mask";
  if (a.helmet.checked) os << (a.helmet.present ? " helmet" : " no helmet");
  if (a.liveness.checked) os << (a.liveness.live ? " live" : " SPOOF(" + a.liveness.cue + ")");
  return os << " (" << a.elapsed.count() << " us)";
}

std::vector<EnrollResult> FaceEngine::enroll_batch(std::span<const EnrollItem> items) {
  std::vector<EnrollResult> out;
  out.reserve(items.size());
  for (const auto& it : items) out.push_back(enroll(it.person, it.photo));
  return out;
}

std::unique_ptr<FaceEngine> FaceEngine::open(const FaceEngineConfig& c, const std::filesystem::path& data_dir) {
  fixtures::FaceModels m = fixtures::find_face_models();
  if (!c.model_dir.empty()) {
    // An explicit directory wins for whatever it holds.
    const fixtures::FaceModels given = [&] {
      fixtures::FaceModels g;
      for (auto [name, slot] : {std::pair{"yunet-static.onnx", &g.yunet}, {"fr_feature.onnx", &g.embedder}, {"fr_liveness.onnx", &g.liveness}}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(c.model_dir / name, ec)) *slot = c.model_dir / name;
      }
      return g;
    }();
    if (!given.yunet.empty()) m.yunet = given.yunet;
    if (!given.embedder.empty()) m.embedder = given.embedder;
    if (!given.liveness.empty()) m.liveness = given.liveness;
  }
  if (!data_dir.empty()) std::filesystem::create_directories(data_dir);
  if (c.engine == "dnn") return open_dnn_engine(c, m, data_dir);
  if (c.engine == "classic") return open_classic_engine(c, m, data_dir);
  if (c.engine != "auto") throw std::invalid_argument("face engine '" + c.engine + "': expected auto, dnn or classic");
  if (!m.yunet.empty() && !m.embedder.empty()) return open_dnn_engine(c, m, data_dir);
  return open_classic_engine(c, m, data_dir);
}

}  // namespace gaterig::device
