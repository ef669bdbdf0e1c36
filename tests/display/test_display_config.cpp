#include <gtest/gtest.h>

#include "rigs/display/display.hpp"

namespace gaterig::display {
namespace {

DisplayConfig parse(const std::string& text) {
  return DisplayConfig::from_config(Config::parse(text, "rig.toml").table("display"));
}

// The error must name the file, the line and the full key, so a rig author can fix it.
std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what() + std::string(" |key=") + e.key() + " |line=" + std::to_string(e.line());
  }
  return "no error";
}

TEST(DisplayConfig, DefaultsAndAFullWindowTable) {
  const auto d = parse("[display]\n");
  EXPECT_EQ(d.backend, "monitor");
  EXPECT_EQ(d.window.marker.corner, MarkerCorner::bottom_right);

  const auto c = parse(R"([display]
backend = "window"
panel_latency_ms = 12.5
[display.window]
title = "rig"
x = 10
y = 20
width = 800
height = 600
fullscreen = true
[display.window.marker]
corner = "top-left"
size_px = 32
)");
  EXPECT_EQ(c.backend, "window");
  EXPECT_DOUBLE_EQ(c.panel_latency_ms, 12.5);
  EXPECT_EQ(c.window.title, "rig");
  EXPECT_EQ(c.window.x, 10);
  EXPECT_EQ(c.window.y, 20);
  EXPECT_EQ(c.window.width, 800);
  EXPECT_EQ(c.window.height, 600);
  EXPECT_TRUE(c.window.fullscreen);
  EXPECT_EQ(c.window.marker.corner, MarkerCorner::top_left);
  EXPECT_EQ(c.window.marker.size_px, 32);
}

TEST(DisplayConfig, ErrorsNameFileLineAndKey) {
  auto e = error_of("[display]\nbackend = \"hdmi\"\n");
  EXPECT_NE(e.find("rig.toml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("|key=display.backend"), std::string::npos) << e;

  e = error_of("[display]\n[display.window]\n[display.window.marker]\n\ncorner = \"middle\"\n");
  EXPECT_NE(e.find("rig.toml:5"), std::string::npos) << e;
  EXPECT_NE(e.find("|key=display.window.marker.corner"), std::string::npos) << e;
  EXPECT_NE(e.find("top-left"), std::string::npos) << e;  // says what was expected

  e = error_of("[display]\n[display.window]\nwidht = 3\n");
  EXPECT_NE(e.find("|key=display.window.widht"), std::string::npos) << e;
  EXPECT_NE(e.find("|line=3"), std::string::npos) << e;

  e = error_of("[display]\npanel_latency_ms = -1\n");
  EXPECT_NE(e.find("|key=display.panel_latency_ms"), std::string::npos) << e;

  e = error_of("[display]\n[display.window]\nwidth = \"wide\"\n");
  EXPECT_NE(e.find("|key=display.window.width"), std::string::npos) << e;

  e = error_of("[display]\n[display.window]\nwidth = 64\nheight = 64\n[display.window.marker]\nsize_px = 40\n");
  EXPECT_NE(e.find("|key=display.window.marker.size_px"), std::string::npos) << e;
}

TEST(DisplayConfig, MonitorBackendNeedsASocketPath) {
  EXPECT_THROW(make_display(parse("[display]\n"), nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace gaterig::display
