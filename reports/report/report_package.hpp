#pragma once
// A report folder, built and read: report.json (canonical), report.html, report.pdf, evidence/,
// and report.sig.json when a lab key is given. This is what `gaterig report build` does.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "reports/report/ed25519.hpp"
#include "reports/report/report_model.hpp"
#include "reports/report/results_document.hpp"

namespace gaterig::report {

// `out_dir` must not exist or be empty (a stale file would otherwise be signed with the new
// report). Returns the report value written to report.json.
nlohmann::json write_report_package(const ResultsDocument& results, BuildOptions options, const std::filesystem::path& out_dir,
                                    const SigningKey* key);

// Reads report.json from a report folder (or the file itself) and checks its canonical form and
// schema; throws std::runtime_error naming the file.
nlohmann::json load_report(const std::filesystem::path& dir_or_file);

}  // namespace gaterig::report
