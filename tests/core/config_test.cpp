#include "core/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace gaterig;

namespace {
const char* kRig = R"(name = "bench 1"
[platform]
port = 8080
bind = "127.0.0.1"
ratio = 0.5
tls = false
methods = ["a", "b"]

[[project]]
code = "P1"
[[project]]
code = 7
)";

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(Config, ReadsTypedValuesAndDottedKeys) {
  const Config c = Config::parse(kRig, "rig.toml");
  EXPECT_EQ(c.get_string("name"), "bench 1");
  EXPECT_EQ(c.get_int("platform.port"), 8080);
  EXPECT_DOUBLE_EQ(c.get_double("platform.ratio"), 0.5);
  EXPECT_DOUBLE_EQ(c.get_double("platform.port"), 8080.0);  // an integer is a number too
  EXPECT_FALSE(c.get_bool("platform.tls"));
  EXPECT_EQ(c.get_strings("platform.methods"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.table("platform").get_string("bind"), "127.0.0.1");
  EXPECT_EQ(c.get_int("platform.missing", 5), 5);
  EXPECT_EQ(c.tables("project").size(), 2u);
}

TEST(Config, WrongTypeNamesFileLineAndKey) {
  const Config c = Config::parse(kRig, "rig.toml");
  EXPECT_EQ(error_of([&] { c.get_int("platform.bind"); }),
            "rig.toml:4: key 'platform.bind': expected an integer, found a string");
  EXPECT_EQ(error_of([&] { c.tables("project")[1].get_string("code"); }),
            "rig.toml:12: key 'project[1].code': expected a string, found an integer");
}

TEST(Config, MissingKeyNamesTheTable) {
  const Config c = Config::parse(kRig, "rig.toml");
  EXPECT_EQ(error_of([&] { c.table("platform").get_string("dialect"); }),
            "rig.toml:2: key 'platform.dialect': missing; expected a string");
}

TEST(Config, SyntaxErrorNamesTheLine) {
  const std::string msg = error_of([] { Config::parse("a = 1\nb = = 2\n", "bad.toml"); });
  EXPECT_EQ(msg.rfind("bad.toml:2: ", 0), 0u) << msg;
}

TEST(Config, UnknownKeyIsAnError) {
  const Config c = Config::parse("[platform]\nprot = 8080\n", "rig.toml");
  EXPECT_EQ(error_of([&] { c.table("platform").reject_unknown({"port", "bind"}); }),
            "rig.toml:2: key 'platform.prot': unknown key (known here: port, bind)");
}

TEST(Config, MissingFileIsNamed) {
  EXPECT_EQ(error_of([] { Config::load_file("/nonexistent/rig.toml"); }),
            "/nonexistent/rig.toml: no such file");
}

TEST(Config, ResolvesPathsAgainstTheFilesFolder) {
  const auto dir = std::filesystem::temp_directory_path() / "gaterig_config_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rig.toml") << "store = \"data/store.db\"\n";
  const Config c = Config::load_file(dir / "rig.toml");
  EXPECT_EQ(c.resolve(c.get_string("store")), dir / "data/store.db");
  EXPECT_EQ(c.resolve("/abs/x"), std::filesystem::path("/abs/x"));
  std::filesystem::remove_all(dir);
}
