#pragma once
// The certification report, gaterig.report/1 (docs/report-schema.md): what ISO/IEC 17025 §7.8 and
// ISO/IEC 19795-1 ask a report to say, built from one results document (gaterig.results/1). The
// model is the canonical JSON value itself: the HTML and PDF are drawn from it, so they cannot say
// anything the signed document does not.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/report/results_document.hpp"

namespace gaterig::report {

inline constexpr const char* kReportSchema = "gaterig.report/1";

struct BuildOptions {
  std::optional<std::string> report_id;  // the lab's own numbering; default GR-<date>-<digest>
  std::optional<std::string> issued;     // ISO 8601 with offset; default now (+08:00)
  std::optional<std::string> lab_name, lab_address, lab_accreditation;  // override the results' lab
  bool include_faces = false;            // copy face images listed as evidence (personal data)
  std::optional<std::string> key_fingerprint;  // the signing key's, printed in the report
  std::string generator = "gaterig 0.1.0";
};

// Builds the report value and copies the evidence into `out_dir`/evidence/ (the results file
// itself as evidence/results.json). Every evidence file is checked against the digest the results
// document gives for it first. ID numbers are masked in every string of the model and in copied
// text evidence (the copy's digest then differs from the source's; both are recorded). Face images
// are digested but not copied unless options.include_faces.
// Throws ResultsError naming the file when evidence is missing or does not match its digest.
nlohmann::json build_report(const ResultsDocument& results, const BuildOptions& options,
                            const std::filesystem::path& out_dir);

// "2026-11-21T14:03:00+08:00" for now.
std::string now_iso_china();

}  // namespace gaterig::report
