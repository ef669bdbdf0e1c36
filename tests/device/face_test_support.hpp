#pragma once
// Shared by the face engine tests: model lookup with skip messages, synthetic faces, photo bytes.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "fixtures/face/model_paths.hpp"
#include "fixtures/synthetic/identity.hpp"
#include "fixtures/synthetic/selection.hpp"
#include "fixtures/synthetic/seeded_random.hpp"
#include "simulator/device/face/face_engine.hpp"

namespace gaterig::device::face_test {

inline const std::filesystem::path kShared = GATERIG_SHARED_DIR;

inline bool dnn_models_present() {
  const auto m = fixtures::find_face_models(GATERIG_SOURCE_DIR);
  return !m.yunet.empty() && !m.embedder.empty();
}

#define REQUIRE_DNN_MODELS()                                                                                 \
  if (!::gaterig::device::face_test::dnn_models_present()) {                                                 \
    GTEST_SKIP() << "YuNet or fr_feature.onnx not found (../shared/models, ./setup.sh --deps, GATERIG_MODELS)"; \
  }
#define REQUIRE_ORL()                                                                                        \
  if (!std::filesystem::is_directory(::gaterig::device::face_test::kShared / "facesets" / "orl")) {          \
    GTEST_SKIP() << "ORL face set not found at " << ::gaterig::device::face_test::kShared / "facesets/orl";  \
  }

// The first identities of the seeded stream SeededRandom(1) (the fixtures' default synthetic set).
// The shipped, optimised identities (fixtures/synthetic): ordinary seeded identities look alike to
// the embedder, the default set is what the demo and certification use.
inline std::vector<std::uint64_t> synthetic_identities(int n) {
  const auto& all = fixtures::default_synthetic_identities();
  if (n > static_cast<int>(all.size())) throw std::invalid_argument("more test identities than the default set has");
  return {all.begin(), all.begin() + n};
}

inline std::vector<std::uint8_t> png(const cv::Mat& m) {
  std::vector<std::uint8_t> out;
  cv::imencode(".png", m, out);
  return out;
}

inline FaceEngineConfig dnn_config() {
  FaceEngineConfig c;
  c.engine = "dnn";
  return c;
}

}  // namespace gaterig::device::face_test
