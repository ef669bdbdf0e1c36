#include "rigs/rig/wiegand_probe.hpp"

#include <stdexcept>

#include "probes/wiegand/capture.hpp"
#include "probes/wiegand/gpio_source.hpp"
#include "probes/wiegand/virtual_wire.hpp"
#ifdef GATERIG_HAVE_GPIOD
#include "probes/wiegand/gpiod_lines.hpp"
#endif

namespace gaterig::rig {
namespace {

std::unique_ptr<wiegand::EdgeSource> open_source(const WiegandWiring& w, const std::string& virtual_path) {
  using wiegand::Line;
  if (w.source == "virtual") return std::make_unique<wiegand::VirtualWireSource>(virtual_path);
#ifdef GATERIG_HAVE_GPIOD
  std::vector<unsigned> offsets = {static_cast<unsigned>(w.d0), static_cast<unsigned>(w.d1)};
  std::vector<Line> roles = {Line::d0, Line::d1};
  if (w.photodiode >= 0) offsets.push_back(static_cast<unsigned>(w.photodiode)), roles.push_back(Line::photodiode);
  if (w.relay >= 0) offsets.push_back(static_cast<unsigned>(w.relay)), roles.push_back(Line::relay);
  return std::make_unique<wiegand::GpioEdgeSource>(wiegand::open_gpiod_inputs(w.chip, offsets, "gaterig-rig"), roles);
#else
  throw std::runtime_error("wiegand.source = \"gpio\": this gaterig was built without libgpiod (GATERIG_WITH_GPIOD=OFF)");
#endif
}

}  // namespace

WiegandProbe::WiegandProbe(const WiegandWiring& wiring, const std::string& virtual_path, EventSink& events)
    : events_(events), source_(open_source(wiring, virtual_path)) {
  wiegand::CaptureOptions o;
  o.decoder.silence = std::chrono::nanoseconds(static_cast<std::int64_t>(wiring.silence_ms * 1e6));
  o.decoder.expect = wiring.format == "auto" ? wiegand::Format::raw : *wiegand::parse_format(wiring.format);
  o.announce_frame_start = true;  // the trial runner's window closes on it (rigs/trial/runner.cpp)
  capture_ = std::make_unique<wiegand::WiegandCapture>(*source_, o, &events_);
  capture_->on_frame([this](const wiegand::WiegandFrame&) { ++frames_; });
  description_ = source_->describe();
  running_ = true;
  thread_ = std::thread([this] {
    try {
      capture_->run();
    } catch (const std::exception& e) {
      events_.publish(Event{mono_now(), "rig", "rig.error",
                            Json{{"what", std::string("wiegand capture from ") + description_ + " failed: " + e.what()}}});
    }
    running_ = false;
  });
}

WiegandProbe::~WiegandProbe() { stop(); }

void WiegandProbe::stop() {
  if (capture_) capture_->stop();
  if (source_) source_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string WiegandProbe::describe() const { return description_; }

}  // namespace gaterig::rig
