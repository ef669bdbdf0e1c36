#pragma once
// The display.shown / display.neutral event both backends put on the timeline.
#include <string_view>

#include "rigs/display/display.hpp"

namespace gaterig::display {

inline constexpr std::string_view kShownKind = "display.shown";
inline constexpr std::string_view kNeutralKind = "display.neutral";

// {presentation: label ("" for neutral), frame_seq, photon: method}; at = shown.photon.
Event display_event(std::string_view kind, std::string_view label, const Shown& shown);

}  // namespace gaterig::display
