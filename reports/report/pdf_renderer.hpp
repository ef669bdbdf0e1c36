#pragma once
// report.pdf for the archive: the same content as the HTML page, laid out on A4 with cairo and
// Pango (CJK text through fontconfig: Noto Sans CJK), every page headed with the report number
// and numbered "page i of n".
#include <filesystem>

#include <nlohmann/json.hpp>

namespace gaterig::report {

// Throws std::runtime_error naming the file when cairo cannot write it.
void render_pdf(const nlohmann::json& report, const std::filesystem::path& out);

}  // namespace gaterig::report
