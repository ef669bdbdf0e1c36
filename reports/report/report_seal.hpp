#pragma once
// The detached signature of a report folder, report.sig.json (gaterig.report-signature/1): the
// SHA-256 and size of every file in the folder (report.json, report.html, report.pdf, evidence/*)
// and an Ed25519 signature over the canonical JSON of that list. report.json itself carries the
// evidence digests, so the signature covers the canonical JSON and the evidence twice over.
#include <filesystem>
#include <optional>
#include <string>

#include "reports/report/ed25519.hpp"
#include "reports/report/verification.hpp"

namespace gaterig::report {

inline constexpr const char* kSignatureFile = "report.sig.json";
inline constexpr const char* kSignatureSchema = "gaterig.report-signature/1";

// Signs every regular file under `dir` (except the signature file itself).
void seal_report(const std::filesystem::path& dir, const SigningKey& key, const std::string& report_id);

// Checks the signature (against `trusted_public_key` when given, else the key in the file: then
// only integrity is shown, not who signed), every file's digest and size, files added to the
// folder, report.json's canonical form and its evidence digests. Collects every finding.
Verification verify_report(const std::filesystem::path& dir, const std::optional<std::string>& trusted_public_key);

// Reads a file whole (binary); throws std::runtime_error naming it.
std::string read_bytes(const std::filesystem::path& p);

}  // namespace gaterig::report
