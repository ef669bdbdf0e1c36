#pragma once
// report.html: one self-contained page (inline CSS and SVG, no script, no external resource) that
// a clerk can open offline, print, or archive; labels in Chinese and English.
#include <string>

#include <nlohmann/json.hpp>

namespace gaterig::report {

std::string render_html(const nlohmann::json& report);

}  // namespace gaterig::report
