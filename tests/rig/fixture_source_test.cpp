// [fixtures] import: the description's keys and their errors, the set imported once into the cache
// and reused, the synthetic fallback when the folder is absent (and what it tells the report), and
// the compliant terminal's threshold from sim.toml reaching the generated devsim config.
#include <gtest/gtest.h>

#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/config.hpp"
#include "rigs/rig/devsim_config.hpp"
#include "rigs/rig/fixture_source.hpp"
#include "rigs/rig/rig_description.hpp"
#include "simulator/device/profile.hpp"
#include "simulator/device/terminal_config.hpp"

namespace gaterig::rig {
namespace {
namespace fs = std::filesystem;

const fs::path kSource = GATERIG_SOURCE_DIR;

std::string rig_with(const std::string& fixtures) {
  return "[rig]\nname = \"t\"\nkind = \"sim\"\n[bench]\nsimulated = true\n[fixtures]\n" + fixtures;
}

std::string error_of(const std::string& text) {
  try {
    RigDescription::parse(text, "/tmp/rigs/x.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

class TempFolder {
 public:
  TempFolder() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("rig-fixtures-" + std::to_string(::getpid())) / info->name();
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_.parent_path(), ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// ORL's layout with drawn grey faces: s1..sN, 1.pgm..k.pgm.
void lab_folder(const fs::path& root, int persons, int photos) {
  for (int p = 1; p <= persons; ++p)
    for (int k = 1; k <= photos; ++k) {
      cv::Mat img(112, 92, CV_8UC1, cv::Scalar(60 + 10 * p));
      cv::ellipse(img, cv::Point(46, 56), cv::Size(28, 38), 0, 0, 360, cv::Scalar(150 + k), cv::FILLED);
      cv::circle(img, cv::Point(36 + p, 46), 4, cv::Scalar(20), cv::FILLED);
      cv::circle(img, cv::Point(56 + p, 46), 4, cv::Scalar(20), cv::FILLED);
      std::string folder = "s";
      folder += std::to_string(p);
      fs::create_directories(root / folder);
      ASSERT_TRUE(cv::imwrite((root / folder / (std::to_string(k) + ".pgm")).string(), img));
    }
}

TEST(RigFixtures, ImportKeysAreReadRelativeToTheRigFile) {
  const auto d = RigDescription::parse(rig_with("import = \"../faces/orl\"\ncooperative = [10, 0.18]\n"
                                                "enrolled_fraction = 0.5\nseed = 3\ncards = \"wg34\"\n"
                                                "variants = [\"mask\", \"qr\", \"mask\"]\nvariants_per_person = 1\n"
                                                "[fixtures.synth]\npersons = 2\n"),
                                       "/tmp/rigs/x.toml");
  ASSERT_TRUE(d.fixtures.import);
  EXPECT_EQ(d.fixtures.import->folder, fs::path("/tmp/rigs/../faces/orl"));
  EXPECT_TRUE(d.fixtures.import->cooperative);
  EXPECT_DOUBLE_EQ(d.fixtures.import->max_tilt_deg, 10);  // an integer in the array is a number too
  EXPECT_DOUBLE_EQ(d.fixtures.import->max_nose_offset, 0.18);
  EXPECT_DOUBLE_EQ(d.fixtures.import->enrolled_fraction, 0.5);
  EXPECT_EQ(d.fixtures.import->seed, 3u);
  EXPECT_EQ(d.fixtures.import->cards, "wg34");
  EXPECT_EQ(d.fixtures.variants, (std::vector<std::string>{"mask", "qr"}));
  EXPECT_EQ(d.fixtures.variants_per_person, 1);
  ASSERT_TRUE(d.fixtures.synth);  // the fallback
  EXPECT_EQ(d.fixtures.synth->persons, 2);
}

TEST(RigFixtures, BadImportKeysNameTheKeyAndWhatWasExpected) {
  struct Case {
    std::string fixtures, key, expected;
  };
  for (const auto& c : std::vector<Case>{
           {"import = \"a\"\ncooperative = [10]\n", "fixtures.cooperative", "[MAX_TILT_DEG, MAX_NOSE_OFFSET]"},
           {"import = \"a\"\ncooperative = [10, 2.5]\n", "fixtures.cooperative", "0..1 eye distances"},
           {"import = \"a\"\ncooperative = [\"10\", 0.1]\n", "fixtures.cooperative", "[MAX_TILT_DEG"},
           {"import = \"a\"\nenrolled_fraction = 1.0\n", "fixtures.enrolled_fraction", "strictly between 0 and 1"},
           {"import = \"a\"\nvariants = [\"masks\"]\n", "fixtures.variants", "unknown kind \"masks\""},
           {"import = \"a\"\nset = \"b\"\n", "fixtures.set", "exactly one of"},
           {"cooperative = [10, 0.18]\n[fixtures.synth]\npersons = 1\n", "fixtures.cooperative", "an option of import"},
       }) {
    const std::string e = error_of(rig_with(c.fixtures));
    EXPECT_NE(e.find("/tmp/rigs/x.toml:"), std::string::npos) << c.fixtures << " -> " << e;
    EXPECT_NE(e.find(c.key), std::string::npos) << c.fixtures << " -> " << e;
    EXPECT_NE(e.find(c.expected), std::string::npos) << c.fixtures << " -> " << e;
  }
}

TEST(RigFixtures, SimTomlCertifiesOnOrlWithTheCooperativeRuleAndTheVariants) {
  const auto d = RigDescription::load(kSource / "rigs/sim.toml");
  ASSERT_TRUE(d.fixtures.import);
  // rigs/ -> /work/main -> /work: the shared folder beside the repo.
  EXPECT_EQ(fs::weakly_canonical(d.fixtures.import->folder), fs::weakly_canonical(kSource / ".." / "shared/facesets/orl"));
  EXPECT_TRUE(d.fixtures.import->cooperative);
  EXPECT_DOUBLE_EQ(d.fixtures.import->max_tilt_deg, 10);
  EXPECT_DOUBLE_EQ(d.fixtures.import->max_nose_offset, 0.18);
  for (const char* k : {"strong-light", "backlight", "low-light", "mask", "helmet", "print", "screen", "video",
                        "distance-near", "distance-far", "qr"})
    EXPECT_NE(std::find(d.fixtures.variants.begin(), d.fixtures.variants.end(), k), d.fixtures.variants.end()) << k;
  ASSERT_TRUE(d.fixtures.synth) << "the fallback when ../shared is absent";
}

// The threshold goes through [terminal.devsim.face] into the generated config; `loose` still ends
// below it, and the compliant profile keeps it.
TEST(RigFixtures, CompliantThresholdFromSimTomlAndLooseStillLowersIt) {
  const auto d = RigDescription::load(kSource / "rigs/sim.toml");
  DevsimConfigInputs in;
  in.devsim_table_toml = d.terminal.devsim_table_toml;
  in.data_dir = "/tmp/x";
  in.wire_path = "/tmp/w.sock";
  in.monitor_path = "/tmp/m.sock";
  in.appid = in.project_code = in.team = "x";
  in.appsecret = std::string(32, 's');
  auto terminal = [&](const std::string& profile) {
    in.profile = profile;
    device::TerminalConfig c =
        device::TerminalConfig::from(Config::parse(devsim_config_text(in), "devsim.toml").table("devsim"));
    device::apply_profiles(c);
    return c;
  };
  EXPECT_DOUBLE_EQ(terminal("compliant").face.match_threshold, 0.45);
  const double loose = terminal("loose").face.match_threshold;
  EXPECT_LT(loose, 0.45);
  EXPECT_DOUBLE_EQ(loose, 0.30);
}

TEST(RigFixtures, AnImportIsMadeOnceIntoTheCacheAndAChangedFolderMakesANewSet) {
  TempFolder tmp;
  lab_folder(tmp.path() / "lab", 4, 3);
  FixturesSource src;
  ImportParams p;
  p.folder = tmp.path() / "lab";
  p.enrolled_fraction = 0.5;
  src.import = p;
  const auto first = resolve_fixtures(src, tmp.path() / "cache");
  EXPECT_EQ(first.origin, "import (made now)");
  EXPECT_EQ(first.dir.parent_path(), fs::absolute(tmp.path() / "cache" / "fixtures"));
  EXPECT_EQ(first.dir.filename().string().rfind("import-v", 0), 0u) << first.dir;
  EXPECT_EQ(first.set.persons.size(), 4u);
  EXPECT_TRUE(first.warning.empty());
  EXPECT_NE(first.set.info.source.find("import of"), std::string::npos) << first.set.info.source;

  const auto again = resolve_fixtures(src, tmp.path() / "cache");
  EXPECT_EQ(again.origin, "import (cached)");
  EXPECT_EQ(again.dir, first.dir);
  EXPECT_EQ(again.manifest_sha256, first.manifest_sha256);

  // Another photo in the lab's folder, another seed: each a set of its own.
  const std::string hash = folder_contents_sha256(p.folder);
  cv::imwrite((p.folder / "s1" / "4.pgm").string(), cv::Mat(112, 92, CV_8UC1, cv::Scalar(99)));
  EXPECT_NE(folder_contents_sha256(p.folder), hash);
  const auto changed = resolve_fixtures(src, tmp.path() / "cache");
  EXPECT_EQ(changed.origin, "import (made now)");
  EXPECT_NE(changed.dir, first.dir);
  src.import->seed = 2;
  EXPECT_NE(resolve_fixtures(src, tmp.path() / "cache").dir, changed.dir);
}

TEST(RigFixtures, AnAbsentImportFolderFallsBackToTheSyntheticSetAndSaysSo) {
  TempFolder tmp;
  FixturesSource src;
  ImportParams p;
  p.folder = tmp.path() / "not-here" / "orl";
  p.cooperative = true;
  src.import = p;
  src.synth = SynthParams{2, 1, 1, 5, "wg26"};
  const auto r = resolve_fixtures(src, tmp.path() / "cache");
  EXPECT_EQ(r.origin, "synthetic fallback (made now)");
  EXPECT_EQ(r.dir.filename().string().rfind("synth-", 0), 0u) << r.dir;
  EXPECT_EQ(r.set.persons.size(), 3u);
  EXPECT_NE(r.warning.find((tmp.path() / "not-here" / "orl").string()), std::string::npos) << r.warning;
  EXPECT_NE(r.warning.find("the certification set is the synthetic one"), std::string::npos) << r.warning;
  // What the report prints as fixture_set.source.
  EXPECT_NE(r.set.info.source.find("standing in for the import of " + (tmp.path() / "not-here" / "orl").string()),
            std::string::npos)
      << r.set.info.source;
  EXPECT_EQ(resolve_fixtures(src, tmp.path() / "cache").origin, "synthetic fallback (cached)");
}

}  // namespace
}  // namespace gaterig::rig
