// Rig descriptions: the shipped ones load; a bad one is refused with file:line:key.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "rigs/rig/devsim_config.hpp"
#include "rigs/rig/rig_description.hpp"

namespace gaterig::rig {
namespace {

const std::filesystem::path kSource = GATERIG_SOURCE_DIR;

// A minimal valid sim description, with `extra` appended (TOML tables later win nothing: a key
// given twice is a TOML error, so tests append whole tables).
std::string sim(const std::string& extra = "") {
  return "[rig]\nname = \"t\"\nkind = \"sim\"\n[bench]\nsimulated = true\n[fixtures.synth]\npersons = 1\n" + extra;
}

// The message of the ConfigError the text raises, or "" when it loads.
std::string error_of(const std::string& text, const std::string& file = "/tmp/rigs/x.toml") {
  try {
    RigDescription::parse(text, file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RigDescription, SimTomlLoads) {
  const auto d = RigDescription::load(kSource / "rigs/sim.toml");
  EXPECT_EQ(d.name, "sim");
  EXPECT_EQ(d.kind, "sim");
  EXPECT_TRUE(d.bench.simulated);
  EXPECT_EQ(d.display.backend, "monitor");
  EXPECT_EQ(d.wiegand.source, "virtual");
  EXPECT_EQ(d.platform.port, 0);
  EXPECT_EQ(d.terminal.kind, "devsim");
  EXPECT_EQ(d.terminal.profile, "compliant");
  EXPECT_EQ(d.terminal.mode, "test");
  ASSERT_TRUE(d.fixtures.synth.has_value());
  EXPECT_GT(d.fixtures.synth->persons, 0);
  EXPECT_NE(d.terminal.devsim_table_toml.find("helmet_required"), std::string::npos);
  EXPECT_EQ(d.sha256.size(), 64u);
  ASSERT_NE(d.bench.condition("strong"), nullptr);
  EXPECT_GT(d.bench.condition("strong")->front, 0);
}

TEST(RigDescription, RealBenchExampleLoadsAndSaysWhatIsWired) {
  const auto d = RigDescription::load(kSource / "rigs/real-bench.example.toml");
  EXPECT_EQ(d.kind, "real");
  EXPECT_EQ(d.display.backend, "window");
  EXPECT_TRUE(d.display.photodiode);
  EXPECT_DOUBLE_EQ(d.display.panel_latency_ms, 14.0);
  EXPECT_EQ(d.wiegand.source, "gpio");
  EXPECT_EQ(d.wiegand.chip, "gpiochip0");
  EXPECT_EQ(d.wiegand.d0, 17);
  EXPECT_EQ(d.wiegand.d1, 18);
  EXPECT_EQ(d.wiegand.photodiode, 22);
  EXPECT_EQ(d.wiegand.relay, 27);
  EXPECT_FALSE(d.bench.simulated);
  EXPECT_EQ(d.bench.modbus.transport, "rtu");
  EXPECT_EQ(d.bench.modbus.device, "/dev/ttyUSB0");
  ASSERT_TRUE(d.bench.lux.modbus.has_value());
  EXPECT_EQ(d.bench.lux.modbus->describe(), "tcp 192.168.10.50:502");
  EXPECT_FALSE(d.bench.light.modbus.has_value());
  EXPECT_EQ(d.platform.bind, "192.168.10.1");
  EXPECT_EQ(d.platform.port, 8080);
  EXPECT_EQ(d.terminal.kind, "external");
  EXPECT_EQ(d.terminal.address, "192.168.10.20");
  EXPECT_EQ(d.calibration.due, "2027-06-30");
  std::ostringstream os;
  os << d;
  EXPECT_NE(os.str().find("gpiochip0 d0=17 d1=18 photodiode=22 relay=27"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("rtu /dev/ttyUSB0 9600 8N1"), std::string::npos) << os.str();
  const Json j = d.to_json();
  EXPECT_EQ(j["calibration"]["photon_method"], "photodiode");
}

TEST(RigDescription, UnknownKeyNamesFileLineAndKey) {
  const std::string e = error_of(sim("[platform]\nbind = \"127.0.0.1\"\nprot = 8080\n"));
  EXPECT_NE(e.find("/tmp/rigs/x.toml:10"), std::string::npos) << e;
  EXPECT_NE(e.find("platform.prot"), std::string::npos) << e;
}

TEST(RigDescription, BadValueNamesFileLineAndKey) {
  const std::string e = error_of(sim("[terminal]\nkind = \"devsim\"\nmode = \"sleepy\"\n"));
  EXPECT_NE(e.find("x.toml:10"), std::string::npos) << e;
  EXPECT_NE(e.find("terminal.mode"), std::string::npos) << e;
  EXPECT_NE(e.find("\"liveness\""), std::string::npos) << e;
}

TEST(RigDescription, TrialPacingIsTheBenchsAndBoundedByTheStandard) {
  const auto d = RigDescription::parse(sim(), "/tmp/rigs/x.toml");
  EXPECT_EQ(d.trials.gap_ms, 80);  // absent: the simulated rig's pacing
  EXPECT_EQ(d.trials.accept_window_ms, 5000);
  const auto real = RigDescription::load(kSource / "rigs/real-bench.example.toml");
  EXPECT_GE(real.trials.gap_ms, 1000) << "a real camera needs time to lose a face";
  EXPECT_EQ(real.to_json()["trials"]["gap_ms"], real.trials.gap_ms);
  const auto paced = RigDescription::parse(sim("[trials]\ngap_ms = 400\nsettle_ms = 120\n"), "/tmp/rigs/x.toml");
  EXPECT_EQ(paced.trials.gap_ms, 400);
  EXPECT_EQ(paced.trials.settle_ms, 120);
  EXPECT_EQ(paced.trials.refusal_floor_ms, 150);
  // A window shorter than JX-A.2's 3 s would call a slow accept a false reject.
  const std::string e = error_of(sim("[trials]\naccept_window_ms = 2000\n"));
  EXPECT_NE(e.find("trials.accept_window_ms"), std::string::npos) << e;
  EXPECT_NE(e.find("3 s"), std::string::npos) << e;
  EXPECT_NE(error_of(sim("[trials]\ngap = 80\n")).find("trials.gap"), std::string::npos);
}

TEST(RigDescription, MissingRequiredTableIsNamed) {
  const std::string e = error_of("[rig]\nname = \"t\"\n");
  EXPECT_NE(e.find("fixtures"), std::string::npos) << e;
}

TEST(RigDescription, SimRigRefusesAGpioWire) {
  const std::string e = error_of(sim("[wiegand]\nsource = \"gpio\"\nchip = \"gpiochip0\"\nd0 = 1\nd1 = 2\n"));
  EXPECT_NE(e.find("wiegand.source"), std::string::npos) << e;
  EXPECT_NE(e.find("virtual"), std::string::npos) << e;
}

TEST(RigDescription, GpioLinesMustDiffer) {
  const std::string text =
      "[rig]\nname = \"r\"\nkind = \"real\"\n[fixtures.synth]\npersons = 1\n"
      "[wiegand]\nsource = \"gpio\"\nchip = \"gpiochip0\"\nd0 = 17\nd1 = 17\n";
  const std::string e = error_of(text);
  EXPECT_NE(e.find("x.toml:10"), std::string::npos) << e;
  EXPECT_NE(e.find("wiegand.d1"), std::string::npos) << e;
}

TEST(RigDescription, RealBenchNeedsABus) {
  const std::string e = error_of("[rig]\nname = \"r\"\nkind = \"real\"\n[bench]\nsimulated = false\n[fixtures.synth]\npersons = 1\n");
  EXPECT_NE(e.find("bench.modbus"), std::string::npos) << e;
}

TEST(RigDescription, RtuKeysOnATcpBusAreRefused) {
  const std::string text =
      "[rig]\nname = \"r\"\nkind = \"real\"\n[fixtures.synth]\npersons = 1\n"
      "[bench.modbus]\ntransport = \"tcp\"\nhost = \"10.0.0.5\"\nbaud = 9600\n";
  const std::string e = error_of(text);
  EXPECT_NE(e.find("x.toml:9"), std::string::npos) << e;
  EXPECT_NE(e.find("bench.modbus.baud"), std::string::npos) << e;
}

TEST(RigDescription, DevsimKeysTheRigOwnsAreRefused) {
  const std::string e = error_of(sim("[terminal.devsim.camera]\nmonitor = \"/tmp/m.sock\"\n"));
  EXPECT_NE(e.find("terminal.devsim.camera.monitor"), std::string::npos) << e;
  EXPECT_NE(e.find("set by the rig"), std::string::npos) << e;
}

TEST(RigDescription, FixturesSetIsRelativeToTheRigFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("rig-desc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sets" / "lab");
  const std::string text = "[rig]\nname = \"t\"\n[bench]\nsimulated = true\n[fixtures]\nset = \"sets/lab\"\n";
  const auto d = RigDescription::parse(text, dir / "rig.toml");
  EXPECT_EQ(d.fixtures.set, dir / "sets/lab");
  const std::string e = error_of("[rig]\nname = \"t\"\n[fixtures]\nset = \"nowhere\"\n", (dir / "rig.toml").string());
  EXPECT_NE(e.find("rig.toml:4"), std::string::npos) << e;
  EXPECT_NE(e.find((dir / "nowhere").string()), std::string::npos) << e;
  std::filesystem::remove_all(dir);
}

TEST(RigDescription, MissingFileIsAConfigError) {
  EXPECT_THROW(RigDescription::load("/nonexistent/rig.toml"), ConfigError);
}

TEST(DevsimConfig, TheRigsKeysGoOverTheDescriptionsTable) {
  const auto d = RigDescription::load(kSource / "rigs/sim.toml");
  DevsimConfigInputs in;
  in.devsim_table_toml = d.terminal.devsim_table_toml;
  in.platform_port = 4242;
  in.appid = "a";
  in.appsecret = std::string(32, 'k');
  in.project_code = "p";
  in.team = "t";
  in.wire_path = "/tmp/w.sock";
  in.monitor_path = "/tmp/m.sock";
  in.data_dir = "/tmp/data";
  const Config c = Config::parse(devsim_config_text(in), "devsim.toml");
  EXPECT_EQ(c.get_int("devsim.platform.port"), 4242);
  EXPECT_EQ(c.get_int("devsim.platform.connect_timeout_ms"), 500);  // from the description
  EXPECT_FALSE(c.get_bool("devsim.policy.helmet_required"));        // from the description
  EXPECT_EQ(c.get_string("devsim.camera.monitor"), "/tmp/m.sock");
  EXPECT_EQ(c.get_string("devsim.wiegand.virtual_wire"), "/tmp/w.sock");
  EXPECT_FALSE(c.get_bool("devsim.face.check_liveness"));  // mode "test"
  EXPECT_EQ(c.get_int("devsim.admin.port"), 0);
}

}  // namespace
}  // namespace gaterig::rig
