// [platform.server], [platform.admin] and [platform.faults]: values, defaults, errors naming keys.
#include "simulator/platform/http_server_config.hpp"

#include <gtest/gtest.h>

using namespace gaterig;
using namespace gaterig::platform;
using namespace std::chrono_literals;

namespace {

ServerConfig load(const std::string& text) {
  return ServerConfig::from_config(Config::parse("[platform]\nstore = \"s.db\"\n" + text, "p.toml").table("platform"));
}

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ServerConfig, DefaultsWhenTheTablesAreAbsent) {
  const ServerConfig c = load("");
  EXPECT_EQ(c.platform.bind_address, "127.0.0.1");
  EXPECT_EQ(c.platform.port, 0);
  EXPECT_EQ(c.platform.name, "platform");
  EXPECT_TRUE(c.platform.traffic_events);
  EXPECT_EQ(c.admin.name, "platform.admin");
  EXPECT_FALSE(c.admin.traffic_events);
  EXPECT_EQ(c.fault, FaultMode::up());
}

TEST(ServerConfig, ReadsEveryKey) {
  const ServerConfig c = load(R"(
[platform.server]
bind = "0.0.0.0"
port = 8080
body_limit_bytes = 2048
read_timeout_ms = 1500
write_timeout_ms = 2500
stop_deadline_ms = 100
io_threads = 2
handler_threads = 4
traffic_events = false
timeline_capacity = 5000
health_path = ""
[platform.admin]
port = 8081
[platform.faults]
mode = "slow"
delay_ms = 250
probability = 0.5
seed = 9
)");
  EXPECT_EQ(c.platform.bind_address, "0.0.0.0");
  EXPECT_EQ(c.platform.port, 8080);
  EXPECT_EQ(c.platform.body_limit, 2048u);
  EXPECT_EQ(c.platform.read_timeout, 1500ms);
  EXPECT_EQ(c.platform.write_timeout, 2500ms);
  EXPECT_EQ(c.platform.stop_deadline, 100ms);
  EXPECT_EQ(c.platform.io_threads, 2u);
  EXPECT_EQ(c.platform.handler_threads, 4u);
  EXPECT_FALSE(c.platform.traffic_events);
  EXPECT_EQ(c.timeline_capacity, 5000u);
  EXPECT_EQ(c.platform.health_path, "");
  EXPECT_EQ(c.admin.port, 8081);
  EXPECT_EQ(c.fault, FaultMode::slow(250ms).with_probability(0.5, 9));
}

TEST(ServerConfig, ErrorsNameTheFileAndKey) {
  EXPECT_NE(error_of("[platform.server]\nprot = 1\n").find("prot"), std::string::npos);
  EXPECT_NE(error_of("[platform.server]\nport = 70000\n").find("port"), std::string::npos);
  EXPECT_NE(error_of("[platform.server]\nhandler_threads = 0\n").find("handler_threads"), std::string::npos);
  EXPECT_NE(error_of("[platform.server]\nhealth_path = \"health\"\n").find("health_path"), std::string::npos);
  EXPECT_NE(error_of("[platform.faults]\nmode = \"slow\"\n").find("delay_ms"), std::string::npos);
  EXPECT_NE(error_of("[platform.faults]\nmode = \"nap\"\n").find("mode"), std::string::npos);
  EXPECT_NE(error_of("[platform.faults]\nmode = \"error\"\nhttp_status = 404\n").find("http_status"), std::string::npos);
  EXPECT_NE(error_of("[platform.admin]\nbind = 3\n").find("bind"), std::string::npos);
  EXPECT_NE(error_of("[platform.server]\nprot = 1\n").find("p.toml"), std::string::npos);
}

}  // namespace
