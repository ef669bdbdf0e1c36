// The dnn and classic engines end to end: enrollment failure reasons, genuine/impostor decisions on
// synthetic faces and ORL, persistence across a restart, and the degraded profiles' knobs.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "face_test_support.hpp"
#include "fixtures/variants/variant.hpp"

namespace fs = std::filesystem;
using namespace gaterig;
using namespace gaterig::device;
using namespace gaterig::device::face_test;

namespace {

cv::Mat face_of(std::uint64_t id, std::uint64_t sample = 0) { return fixtures::synthetic_face(id, sample); }

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("gaterig-face-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

cv::Mat variant(const cv::Mat& img, const std::string& kind, std::uint64_t seed) {
  return fixtures::make_variant(img, nullptr, fixtures::VariantSpec{kind, {}, seed}).frames[0];
}

}  // namespace

TEST(FaceEnrollment, EachFailureHasItsReason) {
  REQUIRE_DNN_MODELS();
  FaceEngineConfig c = dnn_config();
  c.capacity = 2;
  auto engine = FaceEngine::open(c);
  const auto ids = synthetic_identities(3);
  const std::vector<std::uint8_t> garbage = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  EXPECT_EQ(engine->enroll("x", garbage).status, EnrollStatus::decode_error);
  EXPECT_EQ(engine->enroll("x", {}).status, EnrollStatus::decode_error);
  EXPECT_EQ(engine->enroll("x", png(cv::Mat(256, 256, CV_8UC3, cv::Scalar(90, 120, 150)))).status, EnrollStatus::no_face);
  cv::Mat two;
  cv::hconcat(face_of(ids[0]), face_of(ids[1]), two);
  const EnrollResult several = engine->enroll("x", png(two));
  EXPECT_EQ(several.status, EnrollStatus::several_faces) << several;
  cv::Mat tiny(480, 640, CV_8UC3, cv::Scalar(120, 130, 140)), small;
  cv::resize(face_of(ids[0]), small, cv::Size(40, 40), 0, 0, cv::INTER_AREA);
  small.copyTo(tiny(cv::Rect(300, 200, 40, 40)));
  const EnrollResult t = engine->enroll("x", png(tiny));
  EXPECT_TRUE(t.status == EnrollStatus::too_small || t.status == EnrollStatus::no_face) << t;
  EXPECT_EQ(engine->enrolled(), 0U);

  EXPECT_EQ(engine->enroll("a", png(face_of(ids[0]))).status, EnrollStatus::enrolled);
  EXPECT_EQ(engine->enroll("b", png(face_of(ids[1]))).status, EnrollStatus::enrolled);
  const EnrollResult full = engine->enroll("c", png(face_of(ids[2])));
  EXPECT_EQ(full.status, EnrollStatus::store_full);
  EXPECT_NE(full.reason.find("2 of 2"), std::string::npos) << full;
  EXPECT_EQ(engine->enroll("a", png(face_of(ids[0], 5))).status, EnrollStatus::replaced);  // replacing needs no room
  EXPECT_EQ(full.to_json()["status"], "store-full");
}

TEST(FaceEngineDnn, SyntheticGenuineMatchAndImpostorsAreRefused) {
  REQUIRE_DNN_MODELS();
  auto engine = FaceEngine::open(dnn_config());
  const auto ids = synthetic_identities(60);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(engine->enroll_image("p" + std::to_string(i), face_of(ids[static_cast<std::size_t>(i)])).ok());
  int genuine = 0, rank1 = 0, genuine_ok = 0, impostor = 0, false_match = 0;
  double genuine_sum = 0, impostor_sum = 0;
  for (int i = 0; i < 60; ++i) {
    for (std::uint64_t s : {1, 2}) {
      const FrameAnalysis a = engine->analyse(face_of(ids[static_cast<std::size_t>(i)], s));
      if (!a.best) continue;  // not detected (YuNet misses about 1 in 160 synthetic samples)
      if (i < 30) {
        ++genuine;
        const bool right = a.best->person == "p" + std::to_string(i);
        rank1 += right;
        genuine_ok += a.matched && right;
        genuine_sum += right ? a.best->similarity : 0;
      } else {
        ++impostor;
        false_match += a.matched;
        impostor_sum += a.best->similarity;
      }
    }
  }
  std::cout << "synthetic dnn @0.5: rank-1 " << rank1 << "/" << genuine << ", matched " << genuine_ok << "/" << genuine
            << ", false matches " << false_match << "/" << impostor << ", mean genuine " << genuine_sum / genuine
            << ", mean best impostor " << impostor_sum / impostor << "\n";
  // The synthetic identities look alike to this embedder (NOTES.md: impostor mean 0.57): at 0.5
  // most unenrolled synthetic faces find a "match" (measured 55/60). So on synthetic faces only
  // identification and the gap between genuine and impostor are asserted; FAR needs real faces
  // (the ORL test) or a better-separated synthetic set (fixtures/synthetic).
  EXPECT_GE(rank1, genuine * 85 / 100);
  EXPECT_GT(genuine_sum / genuine, impostor_sum / impostor + 0.1);
}

TEST(FaceEngineDnn, OrlGenuineMatchAndUnenrolledAreRefused) {
  REQUIRE_DNN_MODELS();
  REQUIRE_ORL();
  auto engine = FaceEngine::open(dnn_config());
  auto orl = [](int p, int s) {
    return cv::imread((kShared / "facesets/orl" / ("s" + std::to_string(p)) / (std::to_string(s) + ".pgm")).string(), cv::IMREAD_COLOR);
  };
  for (int p = 1; p <= 20; ++p) ASSERT_TRUE(engine->enroll_image("s" + std::to_string(p), orl(p, 1)).ok()) << p;
  int genuine = 0, ok = 0, impostor = 0, false_match = 0;
  for (int p = 1; p <= 40; ++p)
    for (int s = 2; s <= 6; ++s) {
      const FrameAnalysis a = engine->analyse(orl(p, s));
      if (p <= 20) ++genuine, ok += a.matched && a.best->person == "s" + std::to_string(p);
      else ++impostor, false_match += a.matched;
    }
  std::cout << "ORL dnn @0.5: genuine " << ok << "/" << genuine << ", false matches " << false_match << "/" << impostor << "\n";
  EXPECT_GE(ok, genuine * 9 / 10);
  EXPECT_LE(false_match, 2);
}

TEST(FaceEngineDnn, EnrollmentsSurviveARestartAndACorruptGalleryIsNamed) {
  REQUIRE_DNN_MODELS();
  const fs::path dir = temp_dir("restart");
  const auto ids = synthetic_identities(2);
  {
    auto engine = FaceEngine::open(dnn_config(), dir);
    ASSERT_TRUE(engine->enroll_image("a", face_of(ids[0])).ok());
    ASSERT_TRUE(engine->enroll_image("b", face_of(ids[1])).ok());
    ASSERT_TRUE(engine->remove("b"));
  }
  {
    auto engine = FaceEngine::open(dnn_config(), dir);
    EXPECT_EQ(engine->enrolled(), 1U);
    EXPECT_TRUE(engine->is_enrolled("a"));
    const FrameAnalysis a = engine->analyse(face_of(ids[0], 3));
    EXPECT_TRUE(a.matched) << a;
  }
  {
    std::fstream f(dir / "face_gallery.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x01');
  }
  try {
    FaceEngine::open(dnn_config(), dir);
    FAIL() << "corrupt gallery accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("face_gallery.bin"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(FaceEngineDnn, DegradedKnobsChangeTheOutcome) {
  REQUIRE_DNN_MODELS();
  const auto ids = synthetic_identities(1);
  const cv::Mat enrolled = face_of(ids[0]);
  FaceEngineConfig c = dnn_config();
  auto engine = FaceEngine::open(c);
  ASSERT_TRUE(engine->enroll_image("a", enrolled).ok());

  // no-mask: a masked genuine face is matched by the compliant engine, refused by the degraded one
  const cv::Mat masked = variant(face_of(ids[0], 1), "mask", 3);
  const FrameAnalysis m1 = engine->analyse(masked);
  EXPECT_TRUE(m1.mask.present) << m1;
  EXPECT_EQ(m1.refusal, Refusal::none);
  FaceEngineConfig no_mask = c;
  apply_face_profile(no_mask, "no-mask");
  engine->reconfigure(no_mask);
  const FrameAnalysis m2 = engine->analyse(masked);
  EXPECT_EQ(m2.refusal, Refusal::masked) << m2;
  EXPECT_FALSE(m2.matched);

  // light-sensitive: strong light refused for exposure
  engine->reconfigure(c);
  const cv::Mat strong = variant(face_of(ids[0], 1), "strong-light", 4);
  const FrameAnalysis s1 = engine->analyse(strong);
  EXPECT_NE(s1.refusal, Refusal::exposure) << s1;
  FaceEngineConfig light = c;
  apply_face_profile(light, "light-sensitive");
  engine->reconfigure(light);
  const FrameAnalysis s2 = engine->analyse(strong);
  EXPECT_EQ(s2.refusal, Refusal::exposure) << s2;

  // no-liveness and no-helmet: the checks are not made
  FaceEngineConfig off = c;
  apply_face_profile(off, "no-liveness");
  apply_face_profile(off, "no-helmet");
  engine->reconfigure(off);
  const FrameAnalysis p = engine->analyse(variant(face_of(ids[0], 1), "print", 5));
  EXPECT_FALSE(p.liveness.checked);
  EXPECT_FALSE(p.helmet.checked);
  engine->reconfigure(c);
  const FrameAnalysis p2 = engine->analyse(variant(face_of(ids[0], 1), "print", 5));
  EXPECT_TRUE(p2.liveness.checked);
  EXPECT_FALSE(p2.liveness.live) << p2;

  // loose: a similarity between 0.3 and 0.5 becomes a match
  FaceEngineConfig strict = c;
  strict.match_threshold = 0.99;
  engine->reconfigure(strict);
  const FrameAnalysis g1 = engine->analyse(face_of(ids[0], 2));
  ASSERT_TRUE(g1.best);
  EXPECT_FALSE(g1.matched);
  FaceEngineConfig loose = strict;
  loose.match_threshold = g1.best->similarity - 0.01;
  engine->reconfigure(loose);
  EXPECT_TRUE(engine->analyse(face_of(ids[0], 2)).matched);
}

TEST(FaceEngineClassic, HaarAndLbphMatchOrlPersonsAndPersist) {
  // Haar finds few of the shaded synthetic faces (measured: 2 of 10 enrolled), so ORL it is.
  REQUIRE_ORL();
  const fs::path dir = temp_dir("classic");
  FaceEngineConfig c;
  c.engine = "classic";
  auto orl = [](int p, int s) {
    return cv::imread((kShared / "facesets/orl" / ("s" + std::to_string(p)) / (std::to_string(s) + ".pgm")).string(), cv::IMREAD_COLOR);
  };
  {
    auto engine = FaceEngine::open(c, dir);
    EXPECT_EQ(engine->name(), "classic");
    int enrolled = 0;
    for (int p = 1; p <= 20; ++p) enrolled += engine->enroll_image("s" + std::to_string(p), orl(p, 1)).ok();
    std::cout << "classic: enrolled " << enrolled << "/20 ORL persons\n";
    EXPECT_GE(enrolled, 17);
  }
  auto engine = FaceEngine::open(c, dir);  // reloaded from the gallery file, LBPH retrained
  int right = 0, tried = 0;
  for (int p = 1; p <= 20; ++p) {
    if (!engine->is_enrolled("s" + std::to_string(p))) continue;
    for (int s = 2; s <= 4; ++s) {
      const FrameAnalysis a = engine->analyse(orl(p, s));
      ++tried;
      right += a.best && a.best->person == "s" + std::to_string(p);
    }
  }
  std::cout << "classic ORL rank-1: " << right << "/" << tried << "\n";
  EXPECT_GE(right, tried * 6 / 10);
  fs::remove_all(dir);
}
