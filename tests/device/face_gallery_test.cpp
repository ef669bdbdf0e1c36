// The gallery: 1:N search on planted vectors, capacity, persistence and corrupt files; the
// config's profiles. No models needed.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/config.hpp"
#include "simulator/device/face/engine_config.hpp"
#include "simulator/device/face/gallery.hpp"
#include "simulator/device/face/gallery_file.hpp"

namespace fs = std::filesystem;
using namespace gaterig;
using namespace gaterig::device;

namespace {

std::vector<float> random_vector(std::mt19937& rng, int dim) {
  std::normal_distribution<float> n(0, 1);
  std::vector<float> v(static_cast<std::size_t>(dim));
  for (auto& x : v) x = n(rng);
  return v;
}

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("gaterig-face-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(FaceGallery, FindsEachPlantedVectorAmongTenThousandWithItsRunnerUp) {
  std::mt19937 rng(42);
  Gallery g(512, 10000);
  std::vector<std::vector<float>> planted;
  for (int i = 0; i < 10000; ++i) {
    planted.push_back(random_vector(rng, 512));
    std::string id = "p";
    id += std::to_string(i);
    ASSERT_EQ(g.add(id, planted.back()), Gallery::AddResult::added);
  }
  // A probe = a planted vector + noise, and one close twin planted as runner-up.
  std::vector<float> twin = planted[1234];
  for (auto& x : twin) x += 0.3F * std::normal_distribution<float>(0, 1)(rng);
  ASSERT_EQ(g.add("twin", twin), Gallery::AddResult::full);  // the store is full
  g.set_capacity(10001);
  ASSERT_EQ(g.add("twin", twin), Gallery::AddResult::added);
  for (int i : {0, 1234, 9999}) {
    std::vector<float> probe = planted[static_cast<std::size_t>(i)];
    for (auto& x : probe) x = x * 3.0F + 0.1F * std::normal_distribution<float>(0, 1)(rng);  // scale must not matter
    const GallerySearch s = g.search(probe);
    ASSERT_TRUE(s.best && s.runner_up);
    EXPECT_EQ(s.best->person, "p" + std::to_string(i));
    EXPECT_GT(s.best->similarity, 0.99F);
    if (i == 1234) {
      EXPECT_EQ(s.runner_up->person, "twin");
      EXPECT_GT(s.runner_up->similarity, 0.9F);
    } else {
      EXPECT_LT(s.runner_up->similarity, 0.3F);  // random 512-D vectors are nearly orthogonal
    }
  }
}

TEST(FaceGallery, ReplacingAndRemovingKeepTheRowsConsistent) {
  Gallery g(4, 10);
  g.add("a", std::vector<float>{1, 0, 0, 0});
  g.add("b", std::vector<float>{0, 1, 0, 0});
  g.add("c", std::vector<float>{0, 0, 1, 0});
  EXPECT_EQ(g.add("a", std::vector<float>{0, 0, 0, 2}), Gallery::AddResult::replaced);
  EXPECT_EQ(g.search(std::vector<float>{0, 0, 0, 1}).best->person, "a");
  EXPECT_TRUE(g.remove("a"));  // the last row ("c") moves into row 0
  EXPECT_FALSE(g.remove("a"));
  EXPECT_EQ(g.size(), 2U);
  EXPECT_EQ(g.search(std::vector<float>{0, 0, 1, 0}).best->person, "c");
  EXPECT_EQ(g.search(std::vector<float>{0, 1, 0, 0}).best->person, "b");
  EXPECT_THROW(g.add("d", std::vector<float>{0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(g.add("d", std::vector<float>{0, 0, 0, 0}), std::invalid_argument);
}

TEST(FaceGallery, EmptyGalleryAndOnePersonGiveNoRunnerUp) {
  Gallery g(4, 10);
  EXPECT_FALSE(g.search(std::vector<float>{1, 0, 0, 0}).best);
  g.add("only", std::vector<float>{1, 1, 0, 0});
  const auto s = g.search(std::vector<float>{1, 0, 0, 0});
  ASSERT_TRUE(s.best);
  EXPECT_FALSE(s.runner_up);
  EXPECT_NEAR(s.best->similarity, std::sqrt(0.5F), 1e-5);
}

TEST(FaceGalleryFile, RoundTripKeepsPersonsAndRows) {
  const fs::path dir = temp_dir("roundtrip");
  std::mt19937 rng(7);
  Gallery g(512, 100);
  for (int i = 0; i < 50; ++i) {
    std::string id = "工人-";  // ids are bytes: UTF-8 survives
    id += std::to_string(i);
    g.add(id, random_vector(rng, 512));
  }
  g.save(dir / "g.bin");
  EXPECT_FALSE(fs::exists(dir / "g.bin.tmp"));
  const Gallery back = Gallery::load(dir / "g.bin", 100);
  ASSERT_EQ(back.size(), 50U);
  EXPECT_EQ(back.persons(), g.persons());
  for (std::size_t i = 0; i < 50; ++i)
    for (int k = 0; k < 512; ++k) ASSERT_NEAR(back.row(i)[static_cast<std::size_t>(k)], g.row(i)[static_cast<std::size_t>(k)], 1e-6);  // re-normalised on load
  fs::remove_all(dir);
}

TEST(FaceGalleryFile, ACorruptFileIsAnErrorNamingIt) {
  const fs::path dir = temp_dir("corrupt");
  Gallery g(8, 10);
  g.add("a", std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8});
  g.save(dir / "g.bin");
  {
    std::fstream f(dir / "g.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(30);
    f.put('\x7f');
  }
  try {
    Gallery::load(dir / "g.bin", 10);
    FAIL() << "a flipped byte was not noticed";
  } catch (const GalleryFileError& e) {
    EXPECT_EQ(e.file(), dir / "g.bin");
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find((dir / "g.bin").string()), std::string::npos) << e.what();
  }
  { std::ofstream(dir / "short.bin") << "GRFACEG"; }
  EXPECT_THROW(Gallery::load(dir / "short.bin", 10), GalleryFileError);
  { std::ofstream(dir / "other.bin") << std::string(100, 'x'); }
  try {
    Gallery::load(dir / "other.bin", 10);
    FAIL();
  } catch (const GalleryFileError& e) {
    EXPECT_NE(std::string(e.what()).find("magic"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Gallery::load(dir / "absent.bin", 10), GalleryFileError);
  fs::remove_all(dir);
}

TEST(FaceEngineConfig, ReadsATableAndRejectsTyposAndUnknownProfiles) {
  const Config t = Config::parse("engine = \"classic\"\ncapacity = 500\nmatch_threshold = 0.6\n", "face.toml");
  const FaceEngineConfig c = FaceEngineConfig::from(t);
  EXPECT_EQ(c.engine, "classic");
  EXPECT_EQ(c.capacity, 500U);
  EXPECT_DOUBLE_EQ(c.match_threshold, 0.6);
  EXPECT_THROW(FaceEngineConfig::from(Config::parse("match_treshold = 0.6\n", "face.toml")), ConfigError);
  EXPECT_THROW(FaceEngineConfig::from(Config::parse("engine = \"magic\"\n", "face.toml")), ConfigError);
  FaceEngineConfig p;
  apply_face_profile(p, "loose");
  EXPECT_LT(p.match_threshold, FaceEngineConfig{}.match_threshold);
  apply_face_profile(p, "small-store");
  EXPECT_LT(p.capacity, 10000U);
  apply_face_profile(p, "light-sensitive");
  EXPECT_GT(p.exposure_min, 0.0);
  EXPECT_THROW(apply_face_profile(p, "sloppy"), std::invalid_argument);
}
