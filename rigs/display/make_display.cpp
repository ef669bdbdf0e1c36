#include <stdexcept>

#include "rigs/display/display.hpp"
#include "rigs/display/monitor_display.hpp"

namespace gaterig::display {

std::unique_ptr<Display> make_display(const DisplayConfig& config, EventSink* sink, std::function<BenchLight()> light) {
  if (config.backend == "monitor") {
    if (config.monitor_path.empty())
      throw std::invalid_argument("display: backend \"monitor\" needs a monitor_path (the rig sets one in its work dir)");
    return std::make_unique<MonitorDisplay>(config.monitor_path, sink, std::move(light),
                                            cv::Size(config.window.width, config.window.height));
  }
  throw std::invalid_argument("display: backend \"" + config.backend + "\" is not built yet (expected \"monitor\")");
}

}  // namespace gaterig::display
