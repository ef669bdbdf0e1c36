#pragma once
// GPIO lines on a real chip through libgpiod v1.6 (C++ bindings, GPIO uAPI v1): inputs with
// both-edge events and kernel timestamps, outputs for the self-test transmitter. Only built with
// GATERIG_WITH_GPIOD (then GATERIG_HAVE_GPIOD is defined).
#include <memory>
#include <string>
#include <vector>

#include "probes/wiegand/gpio_lines.hpp"

namespace gaterig::wiegand {

// Opens `chip` ("gpiochip0", "/dev/gpiochip0", a label or a number, as gpiod's OPEN_LOOKUP) and
// requests `offsets` for both-edge events as `consumer`. Throws std::runtime_error naming the chip
// and line when that fails (no such chip, line busy, permission).
std::unique_ptr<GpioInputLines> open_gpiod_inputs(const std::string& chip, const std::vector<unsigned>& offsets,
                                                  const std::string& consumer = "gaterig");
// Requests `offsets` as outputs, initially high (Wiegand idles high).
std::unique_ptr<GpioOutputLines> open_gpiod_outputs(const std::string& chip, const std::vector<unsigned>& offsets,
                                                    const std::string& consumer = "gaterig");

}  // namespace gaterig::wiegand
