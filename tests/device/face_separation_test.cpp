// The compliant dnn engine on a small fresh synthetic set, the way a certification presents it:
// the enrollment photos in as bytes, every cooperative presentation 1:N against the gallery.
// A regression guard on the separation (tests/bench/device/README.md has the full-size figures
// and why the JX-A.2 target, 0 errors in 600 + 600, is not reached yet on the synthetic set).
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <unistd.h>
#include <vector>

#include "face_test_support.hpp"
#include "fixtures/manifest.hpp"
#include "fixtures/set_synth.hpp"

namespace gaterig::device {
namespace {

using namespace face_test;

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(FaceSeparation, CooperativeSyntheticPresentationsAreTold1ToN) {
  REQUIRE_DNN_MODELS();
  const auto dir = std::filesystem::temp_directory_path() / ("gaterig-face-sep-" + std::to_string(::getpid()));
  fixtures::SynthOptions o;
  o.out = dir;
  o.persons = 30;
  o.impostors = 30;
  o.samples = 2;
  o.seed = 20261121;  // fresh: no other test or the optimiser uses it
  o.replace = true;
  fixtures::make_synthetic_set(o);
  const fixtures::FixtureSet set = fixtures::load_manifest(dir);

  FaceEngineConfig c = dnn_config();
  c.match_threshold = fixtures::kSyntheticMatchThreshold;
  c.check_liveness = false;  // recognition trials run in the terminal's test mode
  auto engine = FaceEngine::open(c);
  const double threshold = engine->config().match_threshold;
  std::map<std::string, bool> enrolled;
  for (const auto& p : set.persons)
    if (p.enrollment) enrolled[p.id] = engine->enroll(p.id, file_bytes(dir / p.enrollment->path)).ok();
  EXPECT_EQ(engine->enrolled(), 30U);

  int genuine = 0, true_accepts = 0, impostors = 0, false_accepts = 0, no_face = 0;
  std::vector<double> genuine_scores, impostor_best;
  for (const auto& pr : set.presentations) {
    const FrameAnalysis a = engine->analyse(cv::imread((dir / pr.frames.front().path).string(), cv::IMREAD_COLOR));
    if (!a.face_found) ++no_face;
    const bool is_genuine = enrolled.count(pr.person) && enrolled[pr.person];
    if (is_genuine) {
      ++genuine;
      if (a.matched && a.best->person == pr.person) ++true_accepts;
      if (a.best && a.best->person == pr.person) genuine_scores.push_back(a.best->similarity);
    } else {
      ++impostors;
      if (a.matched) ++false_accepts;
      if (a.best) impostor_best.push_back(a.best->similarity);
    }
  }
  std::filesystem::remove_all(dir);
  std::sort(genuine_scores.begin(), genuine_scores.end());
  std::sort(impostor_best.begin(), impostor_best.end());
  std::cout << "threshold " << threshold << ": genuine " << true_accepts << "/" << genuine << " accepted, impostors "
            << false_accepts << "/" << impostors << " falsely accepted, no face " << no_face << "\n";
  ASSERT_EQ(genuine, 60);
  ASSERT_EQ(impostors, 60);
  EXPECT_EQ(no_face, 0);
  // Measured with seed 20261121 at kSyntheticMatchThreshold (see the README): these bounds catch a generator or engine change
  // that makes the separation worse; they are NOT the certification's target.
  EXPECT_GE(true_accepts, 58);  // measured 60 of 60 at 0.62
  EXPECT_LE(false_accepts, 6);  // measured 3 of 60 at 0.62 (target: 0)
  ASSERT_FALSE(genuine_scores.empty());
  ASSERT_FALSE(impostor_best.empty());
  EXPECT_GE(genuine_scores[genuine_scores.size() / 2], 0.85);  // genuine median
  EXPECT_LE(impostor_best[impostor_best.size() / 2], 0.62);    // median of the impostors' best match
}

}  // namespace
}  // namespace gaterig::device
