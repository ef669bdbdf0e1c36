#include <stdexcept>

#include "rigs/display/display.hpp"
#include "rigs/display/monitor_display.hpp"
#include "rigs/display/window_display.hpp"

namespace gaterig::display {

std::unique_ptr<Display> make_display(const DisplayConfig& config, EventSink* sink, std::function<BenchLight()> light) {
  if (config.backend == "monitor") {
    if (config.monitor_path.empty())
      throw std::invalid_argument("display: backend \"monitor\" needs a monitor_path (the rig sets one in its work dir)");
    return std::make_unique<MonitorDisplay>(config.monitor_path, sink, std::move(light),
                                            cv::Size(config.window.width, config.window.height));
  }
  if (config.backend == "window") {
    WindowDisplayOptions o;
    o.window = config.window;
    o.panel_latency_ms = config.panel_latency_ms;
    o.photodiode = config.photodiode;
    return std::make_unique<WindowDisplay>(std::move(o), sink);  // the bench light is real light here
  }
  throw std::invalid_argument("display: unknown backend \"" + config.backend + "\" (expected \"monitor\" or \"window\")");
}

}  // namespace gaterig::display
