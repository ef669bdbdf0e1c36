// Mask, helmet and liveness cues on the rig's presentations (fixtures variants of synthetic faces),
// with measured rates asserted against honest bounds (README.md states the measured figures).
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "face_test_support.hpp"
#include "fixtures/variants/variant.hpp"

using namespace gaterig;
using namespace gaterig::device;
using namespace gaterig::device::face_test;

namespace {

struct Rates {
  int n = 0, flagged = 0, undetected = 0;
  double rate() const { return n ? static_cast<double>(flagged) / n : 0; }
};

// For each kind: how often the engine flags it (spoof / mask / helmet) over `identities` faces.
std::map<std::string, Rates> measure(const std::vector<std::string>& kinds, int identities,
                                     bool (*flag)(const FrameAnalysis&)) {
  auto engine = FaceEngine::open(dnn_config());
  std::map<std::string, Rates> out;
  const auto ids = synthetic_identities(identities);
  for (int i = 0; i < identities; ++i) {
    const cv::Mat img = fixtures::synthetic_face(ids[static_cast<std::size_t>(i)], 0);
    for (const auto& k : kinds) {
      const cv::Mat f = k == "plain" ? img
                                     : fixtures::make_variant(img, nullptr, {k, {}, 7 + static_cast<std::uint64_t>(i)}).frames[0];
      const FrameAnalysis a = engine->analyse(f);
      Rates& r = out[k];
      if (!a.face_found) {
        ++r.undetected;
        continue;
      }
      ++r.n;
      r.flagged += flag(a);
    }
  }
  for (const auto& [k, r] : out)
    std::cout << k << ": flagged " << r.flagged << "/" << r.n << " (" << r.rate() * 100 << " %), undetected " << r.undetected << "\n";
  return out;
}

}  // namespace

TEST(FaceLiveness, AttacksAreRefusedAndPlainFacesPass) {
  REQUIRE_DNN_MODELS();
  const auto r = measure({"plain", "print", "screen", "video", "helmet", "mask", "strong-light"}, 40,
                         [](const FrameAnalysis& a) { return a.liveness.checked && !a.liveness.live; });
  // APCER per species (1 − flagged rate), BPCER on bona fide presentations.
  EXPECT_GE(r.at("print").rate(), 0.95);
  EXPECT_GE(r.at("screen").rate(), 0.85);  // measured 35/40: APCER 12.5 % (bezel seen on 3 sides only)
  EXPECT_GE(r.at("video").rate(), 0.95);
  EXPECT_LE(r.at("plain").rate(), 0.05);
  EXPECT_LE(r.at("helmet").rate(), 0.10);
  EXPECT_LE(r.at("mask").rate(), 0.12);  // measured 3/37
  EXPECT_LE(r.at("strong-light").rate(), 0.10);
}

TEST(FaceMask, MaskedFacesAreFlaggedPlainOnesAreNot) {
  REQUIRE_DNN_MODELS();
  const auto r = measure({"plain", "mask"}, 40, [](const FrameAnalysis& a) { return a.mask.present; });
  EXPECT_GE(r.at("mask").rate(), 0.80);  // measured 31-32/37 (YuNet landmarks vary slightly run to run)
  EXPECT_LE(r.at("plain").rate(), 0.08);
}

TEST(FaceHelmet, HelmetsAreFlaggedBareHeadsMostlyNot) {
  REQUIRE_DNN_MODELS();
  const auto r = measure({"plain", "helmet"}, 40, [](const FrameAnalysis& a) { return a.helmet.present; });
  EXPECT_GE(r.at("helmet").rate(), 0.70);
  EXPECT_LE(r.at("plain").rate(), 0.10);
}
