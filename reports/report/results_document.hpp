#pragma once
// The certification run's results document, gaterig.results/1 (written by `gaterig certify`, see
// the contract in the brief and docs/report-schema.md), read and checked before a report is built
// from it. The report reads results only; it never re-runs a trial.
#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace gaterig::report {

// A results document that is not gaterig.results/1: names the file and the JSON path, and what
// was expected there ("results.json: $.clauses[3].verdict: expected one of PASS, FAIL, ...").
class ResultsError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ResultsDocument {
  std::filesystem::path path;  // the results file; evidence paths are relative to its folder
  std::string bytes;           // the file as read (its digest goes into the report)
  nlohmann::json doc;

  std::filesystem::path folder() const { return path.parent_path(); }
};

// Reads and validates: schema, required members and their types, verdict vocabularies, clause ids
// unique, evidence paths relative and inside the folder, a PASS clause with no failing measurement.
ResultsDocument load_results(const std::filesystem::path& path);

// Validation alone (for tests and for documents built in memory); `what` names the source.
void validate_results(const nlohmann::json& doc, const std::string& what);

}  // namespace gaterig::report
