// The compliant engine on real faces (ORL) under the conditions a certification shows, the way the
// rig builds them (fixtures/variants with the YuNet face of each photo): masked genuine faces
// matched on the upper face, masked impostors refused (JX-A.4); printed, screen and video attacks
// refused in liveness mode while plain faces pass (JX-A.9); and the degraded profiles that must
// fail those clauses (no-mask, no-liveness) still fail them. Measured figures: face/README.md.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/core.hpp>

#include <algorithm>

#include <iostream>
#include <map>
#include <string>

#include "face_test_support.hpp"
#include "fixtures/face/detector.hpp"
#include "fixtures/variants/variant.hpp"

using namespace gaterig;
using namespace gaterig::device;
using namespace gaterig::device::face_test;

namespace {

// Built piece by piece: "s" + std::to_string(n) trips GCC 12's -Wrestrict false positive.
std::string id(int person) {
  std::string s = "s";
  s += std::to_string(person);
  return s;
}

cv::Mat orl(int person, int shot) {
  std::string file = std::to_string(shot);
  file += ".pgm";
  return cv::imread((kShared / "facesets" / "orl" / id(person) / file).string(), cv::IMREAD_COLOR);
}

struct Count {
  int n = 0, accepted = 0;
};

class OrlConditions : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!dnn_models_present()) GTEST_SKIP() << "YuNet or fr_feature.onnx not found (../shared/models, ./setup.sh --deps)";
    if (!std::filesystem::is_directory(kShared / "facesets" / "orl"))
      GTEST_SKIP() << "ORL face set not found at " << kShared / "facesets/orl";
    detector_ = fixtures::FaceDetector::open(fixtures::find_face_models(GATERIG_SOURCE_DIR).yunet_dir());
  }

  // The rig's compliant terminal: threshold 0.45 (rigs/sim.toml), persons s1-s20 enrolled with shot 1.
  std::unique_ptr<FaceEngine> engine(const std::string& profile, bool liveness, bool measure = false) {
    FaceEngineConfig c = dnn_config();
    c.match_threshold = 0.45;
    if (profile != "compliant") apply_face_profile(c, profile);
    c.check_liveness = liveness;
    c.periocular_measure = measure;
    auto e = FaceEngine::open(c);
    for (int p = 1; p <= 20; ++p) EXPECT_TRUE(e->enroll_image(id(p), orl(p, 1)).ok()) << p;
    return e;
  }

  std::vector<cv::Mat> variant(int person, int shot, const std::string& kind,
                               std::map<std::string, std::string> params = {}) {
    const cv::Mat img = orl(person, shot);
    const auto faces = detector_->detect(img);
    const fixtures::DetectedFace* face = faces.empty() ? nullptr : &faces.front();
    return fixtures::make_variant(img, face, {kind, std::move(params), static_cast<std::uint64_t>(person * 100 + shot)}).frames;
  }

  // Masked presentations: s1-s20 (enrolled) and s21-s40 (impostors), shots 2 and 3.
  std::pair<Count, Count> masked(FaceEngine& e) {
    Count genuine, impostor;
    for (int p = 1; p <= 40; ++p)
      for (int shot = 2; shot <= 3; ++shot) {
        const FrameAnalysis a = e.analyse(variant(p, shot, "mask").front());
        if (p <= 20) ++genuine.n, genuine.accepted += a.matched && a.best->person == id(p);
        else ++impostor.n, impostor.accepted += a.matched;
      }
    return {genuine, impostor};
  }

  std::unique_ptr<fixtures::FaceDetector> detector_;
};

TEST_F(OrlConditions, MaskedGenuineAcceptedOnTheUpperFaceMaskedImpostorsRefused) {
  auto compliant = engine("compliant", false);
  const auto [genuine, impostor] = masked(*compliant);
  auto no_mask = engine("no-mask", false);
  const auto [ng, ni] = masked(*no_mask);
  std::cout << "ORL masked, compliant: genuine " << genuine.accepted << "/" << genuine.n << ", impostors accepted "
            << impostor.accepted << "/" << impostor.n << "; no-mask: genuine " << ng.accepted << "/" << ng.n << "\n";
  // Measured 36/40 (session 3: 28/40 with one eyes-aligned crop at 0.65, searched on every
  // frame); before the upper-face gallery, 10/40 on the rig's set. The upper face does not reach
  // the 95 % a real masked-face model would (README.md): the bound guards what it does, with room
  // for YuNet's run-to-run jitter.
  EXPECT_GE(genuine.accepted, genuine.n * 7 / 10);
  EXPECT_EQ(impostor.accepted, 0);
  EXPECT_LE(ng.accepted, ng.n * 4 / 10);  // no-mask must keep failing JX-A.4
  EXPECT_LT(ng.accepted, genuine.accepted);
}

// The occlusion cue decides which faces are searched as masked: masked faces barely change when the
// terminal covers their lower face, uncovered ones do (README.md: ORL masks 0.66-0.94, every
// uncovered ORL presentation up to 0.67; the cut is 0.625, so a few uncovered faces are searched too,
// which the fused decision then refuses).
TEST_F(OrlConditions, OcclusionCueSeparatesMaskedFromUncoveredFaces) {
  auto e = engine("compliant", false, /*measure=*/true);
  int masked_low = 0, plain_high = 0, n = 0;
  double masked_min = 1, plain_max = -1;
  for (int p = 1; p <= 40; p += 3)
    for (int shot = 2; shot <= 3; ++shot, ++n) {
      const FrameAnalysis m = e->analyse(variant(p, shot, "mask").front());
      const FrameAnalysis u = e->analyse(orl(p, shot));
      masked_min = std::min(masked_min, m.occlusion);
      plain_max = std::max(plain_max, u.occlusion);
      masked_low += m.occlusion < e->config().periocular_occlusion_min;
      plain_high += u.occlusion >= e->config().periocular_occlusion_min;
    }
  std::cout << "ORL occlusion cue over " << n << " faces: masked min " << masked_min << " (" << masked_low
            << " below the cut), uncovered max " << plain_max << " (" << plain_high << " above)\n";
  EXPECT_EQ(masked_low, 0);
  EXPECT_LE(plain_high, n / 10);
}

// Back light: the rig's camera leaves the face at ~0.45 of its level in a bright surround
// (simulator/bench/scene.hpp). The face-priority gain brings genuine faces back without letting
// impostors in (README.md: the rig's P0031-09 went 0.446 -> 0.477 under the bench's back light).
TEST_F(OrlConditions, BackLitFacesAreBroughtBackByTheFaceGainWithoutImpostors) {
  auto e = engine("compliant", false);
  const auto back_lit = [](const cv::Mat& img) {
    cv::Mat dark, framed;
    img.convertTo(dark, -1, 1.0 / 2.2);
    const int bx = img.cols / 5, by = img.rows / 5;
    cv::copyMakeBorder(dark, framed, by, by, bx, bx, cv::BORDER_CONSTANT, cv::Scalar::all(250));
    return framed;
  };
  Count genuine, impostor;
  int gained = 0, new_impostors = 0;
  for (int p = 1; p <= 40; ++p)
    for (int shot = 2; shot <= 3; ++shot) {
      const FrameAnalysis a = e->analyse(back_lit(orl(p, shot)));
      gained += a.light_normalised;
      // an impostor this shot-1 enrollment already admits in normal light (s31/2 -> s6 at 0.487:
      // why the rig enrolls the most frontal photo) is no doing of the light
      if (p > 20 && a.matched && !e->analyse(orl(p, shot)).matched) ++new_impostors;
      if (p <= 20) ++genuine.n, genuine.accepted += a.matched && a.best->person == id(p);
      else ++impostor.n, impostor.accepted += a.matched;
    }
  std::cout << "ORL back-lit: genuine " << genuine.accepted << "/" << genuine.n << ", impostors accepted " << impostor.accepted
            << "/" << impostor.n << " (" << new_impostors << " refused in normal light), faces brightened " << gained << "\n";
  EXPECT_GE(gained, 70);  // measured 80 of 80
  EXPECT_GE(genuine.accepted, 38);  // measured 40/40
  EXPECT_EQ(new_impostors, 0);
}

TEST_F(OrlConditions, AttacksAreRefusedInLivenessModePlainFacesPass) {
  auto live = engine("compliant", true);
  auto no_liveness = engine("no-liveness", true);
  Count bona_fide;
  std::map<std::string, Count> attacks, undefended;
  for (int p = 1; p <= 20; ++p) {
    const FrameAnalysis a = live->analyse(orl(p, 2));
    ++bona_fide.n;
    bona_fide.accepted += a.matched && a.liveness.live;
    for (const std::string kind : {"print", "screen", "video"}) {
      const auto frames = variant(p, 3, kind, kind == "video" ? std::map<std::string, std::string>{{"frames", "4"}}
                                                              : std::map<std::string, std::string>{});
      bool opened = false, opened_undefended = false;
      for (const auto& f : frames) {  // a video opens the gate when any of its frames is accepted
        const FrameAnalysis x = live->analyse(f);
        opened = opened || (x.matched && x.liveness.live);
        const FrameAnalysis y = no_liveness->analyse(f);
        opened_undefended = opened_undefended || (y.matched && (!y.liveness.checked || y.liveness.live));
      }
      ++attacks[kind].n, attacks[kind].accepted += opened;
      ++undefended[kind].n, undefended[kind].accepted += opened_undefended;
    }
  }
  std::cout << "ORL liveness: bona fide accepted " << bona_fide.accepted << "/" << bona_fide.n;
  for (const auto& [k, c] : attacks)
    std::cout << ", " << k << " accepted " << c.accepted << "/" << c.n << " (no-liveness " << undefended[k].accepted << ")";
  std::cout << "\n";
  EXPECT_GE(bona_fide.accepted, 19);  // BPCER <= 5 %
  for (const auto& [k, c] : attacks) EXPECT_EQ(c.accepted, 0) << k;
  for (const auto& [k, c] : undefended) EXPECT_GE(c.accepted, c.n * 8 / 10) << k << ": no-liveness must keep admitting attacks";
}

}  // namespace
