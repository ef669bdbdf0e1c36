// [display] of a rig description. Every check names the key, so a typo in a rig file is an error
// with a line number rather than a window in the wrong place.
#include "rigs/display/display.hpp"

namespace gaterig::display {
namespace {

MarkerCorner parse_corner(const Config& t, std::string_view key) {
  const std::string s = t.get_string(key);
  for (auto c : {MarkerCorner::top_left, MarkerCorner::top_right, MarkerCorner::bottom_left, MarkerCorner::bottom_right})
    if (s == to_string(c)) return c;
  t.fail(key, "expected \"top-left\", \"top-right\", \"bottom-left\" or \"bottom-right\", found \"" + s + "\"");
}

int int_in(const Config& t, std::string_view key, int fallback, int low, int high) {
  const auto v = t.get_int(key, fallback);
  if (v < low || v > high)
    t.fail(key, "expected an integer in " + std::to_string(low) + ".." + std::to_string(high) + ", found " +
                    std::to_string(v));
  return static_cast<int>(v);
}

WindowConfig parse_window(const Config& t) {
  t.reject_unknown({"title", "x", "y", "width", "height", "fullscreen", "marker"});
  WindowConfig w;
  w.title = t.get_string("title", w.title);
  if (w.title.empty()) t.fail("title", "expected a non-empty window title");
  w.x = int_in(t, "x", w.x, -16384, 16384);
  w.y = int_in(t, "y", w.y, -16384, 16384);
  w.width = int_in(t, "width", w.width, 16, 16384);
  w.height = int_in(t, "height", w.height, 16, 16384);
  w.fullscreen = t.get_bool("fullscreen", w.fullscreen);
  if (auto m = t.find_table("marker")) {
    m->reject_unknown({"corner", "size_px"});
    if (m->has("corner")) w.marker.corner = parse_corner(*m, "corner");
    w.marker.size_px = int_in(*m, "size_px", w.marker.size_px, 4, 1024);
    if (!w.fullscreen && (w.marker.size_px * 2 > w.width || w.marker.size_px * 2 > w.height))
      m->fail("size_px", "the marker (" + std::to_string(w.marker.size_px) + " px) must fit twice into the " +
                             std::to_string(w.width) + "x" + std::to_string(w.height) + " window");
  }
  return w;
}

}  // namespace

DisplayConfig DisplayConfig::from_config(const Config& t) {
  t.reject_unknown({"backend", "monitor_path", "window", "panel_latency_ms"});
  DisplayConfig c;
  c.backend = t.get_string("backend", c.backend);
  if (c.backend != "monitor" && c.backend != "window")
    t.fail("backend", "expected \"monitor\" or \"window\", found \"" + c.backend + "\"");
  c.monitor_path = t.get_string("monitor_path", "");
  if (c.monitor_path.size() >= 108) t.fail("monitor_path", "a Unix socket path must be shorter than 108 bytes");
  c.panel_latency_ms = t.get_double("panel_latency_ms", 0.0);
  if (!(c.panel_latency_ms >= 0.0 && c.panel_latency_ms <= 1000.0))
    t.fail("panel_latency_ms", "expected milliseconds in 0..1000");
  if (auto w = t.find_table("window")) c.window = parse_window(*w);
  return c;
}

}  // namespace gaterig::display
