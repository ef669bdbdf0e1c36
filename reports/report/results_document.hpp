#pragma once
// The certification run's results document, gaterig.results/1 (written by `gaterig certify`,
// docs/results-schema.md), as the report takes it in: read and checked by the one reader
// (rigs/standard, standard::results_from_json), with the bytes and the parsed JSON kept beside
// the typed fields. The report reads results only; it never re-runs a trial.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "rigs/standard/results_document.hpp"

namespace gaterig::report {

// Names the file and the JSON path, and what was expected there
// ("results.json: clauses[3].verdict: expected PASS, FAIL, NOT TESTED or ERROR, found \"OK\"").
using ResultsError = standard::ResultsError;

struct ResultsDocument {
  std::filesystem::path path;  // the results file; evidence paths are relative to its folder
  std::string bytes;           // the file as read: the report's digest and evidence/results.json copy it
  nlohmann::json doc;          // as parsed: the report model carries it over whole, unknown fields included
  standard::ResultsDocument typed;  // the same document, checked and typed

  std::filesystem::path folder() const { return path.parent_path(); }
};

// Reads the file and checks it with standard::results_from_json. Throws ResultsError.
ResultsDocument load_results(const std::filesystem::path& path);

}  // namespace gaterig::report
