#include "rigs/display/display.hpp"

#include "rigs/display/display_event.hpp"

namespace gaterig::display {

Display::~Display() = default;

std::string_view to_string(MarkerCorner c) {
  switch (c) {
    case MarkerCorner::top_left: return "top-left";
    case MarkerCorner::top_right: return "top-right";
    case MarkerCorner::bottom_left: return "bottom-left";
    case MarkerCorner::bottom_right: return "bottom-right";
  }
  return "?";
}

Event display_event(std::string_view kind, std::string_view label, const Shown& shown) {
  return Event{shown.photon, "display", std::string(kind),
               Json{{"presentation", std::string(label)},
                    {"frame_seq", shown.frame_seq},
                    {"photon", shown.photon_method}}};
}

}  // namespace gaterig::display
