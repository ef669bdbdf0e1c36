// The simulated bench with an external terminal (rigs/sim-external.toml, docs/external-terminal.md):
// the description loads with the fixed addresses a lab's program needs, the card book holds no ID
// number in clear, and the sim rig with an external terminal has no power control over it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/crypto.hpp"
#include "rigs/rig/external_terminal.hpp"
#include "rigs/rig/rig_description.hpp"

namespace gaterig::rig {
namespace {

const std::filesystem::path kSource = GATERIG_SOURCE_DIR;

std::string sim(const std::string& extra) {
  return "[rig]\nname = \"t\"\nkind = \"sim\"\n[bench]\nsimulated = true\n[fixtures.synth]\npersons = 1\n" + extra;
}

std::string error_of(const std::string& text) {
  try {
    RigDescription::parse(text, "/tmp/rigs/x.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ForeignRig, SimExternalTomlFixesEveryAddress) {
  const auto d = RigDescription::load(kSource / "rigs/sim-external.toml");
  EXPECT_EQ(d.kind, "sim");
  EXPECT_EQ(d.terminal.kind, "external");
  EXPECT_EQ(d.platform.port, 18480);
  EXPECT_EQ(d.display.monitor_path, "/tmp/gaterig-external/monitor.sock");
  EXPECT_EQ(d.wiegand.path, "/tmp/gaterig-external/wiegand.sock");
  EXPECT_EQ(d.terminal.card_book, "/tmp/gaterig-external/cards.json");
  EXPECT_EQ(d.terminal.admin, "http://127.0.0.1:18481");
  EXPECT_TRUE(d.bench.simulated);
}

TEST(ForeignRig, CardBookIsForExternalTerminalsOnly) {
  EXPECT_EQ(error_of(sim("[terminal]\nkind = \"external\"\ncard_book = \"cards.json\"\n")), "");
  const std::string e = error_of(sim("[terminal]\nkind = \"devsim\"\ncard_book = \"cards.json\"\n"));
  EXPECT_NE(e.find("card_book"), std::string::npos) << e;
  EXPECT_NE(e.find("external"), std::string::npos) << e;
}

TEST(ForeignRig, CardBookKeysByHashNeverTheIdNumber) {
  char tmpl[] = "/tmp/gaterig-cardbook-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path book = std::filesystem::path(tmpl) / "sub" / "cards.json";
  fixtures::Person p;
  p.id = "P0001";
  p.id_number = "11010519491231002X";
  p.card = {fixtures::WiegandFormat::wg34, 300, 4242};
  fixtures::Person nobody;  // no ID number: no card to issue
  nobody.id = "P0002";
  write_card_book(book, {p, nobody});
  std::ifstream in(book);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().find(p.id_number), std::string::npos) << text.str();
  const Json j = Json::parse(text.str());
  EXPECT_EQ(j["schema"], "gaterig.cards/1");
  EXPECT_EQ(j["format"], "wg34");
  ASSERT_EQ(j["cards"].size(), 1u);
  EXPECT_EQ(j["cards"][0]["id_sha256"], crypto::sha256_hex(p.id_number));
  EXPECT_EQ(j["cards"][0]["facility"], 300);
  EXPECT_EQ(j["cards"][0]["number"], 4242);
  EXPECT_FALSE(std::filesystem::exists(book.string() + ".tmp"));
  std::filesystem::remove_all(tmpl);
}

TEST(ForeignRig, ExternalTerminalWithoutAdminHasNoStatusAndNoPower) {
  Timeline t;
  ExternalTerminal term("127.0.0.1", "", "test", std::chrono::milliseconds(100), t, {});
  EXPECT_FALSE(term.has_status());
  EXPECT_TRUE(term.wait_ready(std::chrono::milliseconds(10)));  // nothing to ask: the operator vouches
  EXPECT_THROW(term.status(), TerminalError);
  EXPECT_THROW(term.power_cut(), TerminalError);
  EXPECT_FALSE(term.request_sync());
  term.set_mode("liveness");  // switched by hand, and the timeline says so
  const auto e = t.since(0);
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e.back().kind, "terminal.mode");
  EXPECT_EQ(e.back().payload["how"], "manual");
}

}  // namespace
}  // namespace gaterig::rig
