#pragma once
// The results document `gaterig.results/1` (docs/results-schema.md): written by a certification
// run, read by the report. One JSON file, keys in a fixed order, written atomically (temporary
// file, fsync, rename, fsync of the folder) so a reader never sees half a document and a crash
// leaves the previous one intact. Evidence files are named relative to the results file's folder
// with their SHA-256 and size. ID numbers appear only masked.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "rigs/standard/clause_result.hpp"
#include "rigs/standard/standard.hpp"

namespace gaterig::standard {

inline constexpr const char* kResultsSchema = "gaterig.results/1";
inline constexpr const char* kResultsFileName = "results.json";

// A results document that cannot be read, naming the file and the JSON path, e.g.
//   out/results.json: clauses[2].measurements[0].verdict: expected PASS, FAIL, ...
class ResultsError : public std::runtime_error {
 public:
  ResultsError(std::string file, std::string json_path, const std::string& what);
  const std::string& file() const { return file_; }
  const std::string& json_path() const { return json_path_; }  // "" for the whole document

 private:
  std::string file_;
  std::string json_path_;
};

struct RunInfo {
  std::string id;       // uuid4 (make_run_id)
  std::string started;  // ISO 8601 with offset, "2026-11-21T10:00:00+08:00" (format_run_time)
  std::string ended;    // "" while running
  bool quick = false;
  std::uint64_t seed = 0;
  std::string gaterig_version;
  std::string command;
  bool resumed = false;
  friend bool operator==(const RunInfo&, const RunInfo&) = default;
};

struct LabInfo {
  std::string name, address, accreditation;
  friend bool operator==(const LabInfo&, const LabInfo&) = default;
};

struct Calibration {
  std::optional<double> panel_latency_ms;
  std::string photon_method;  // "frame-publish" | "flip+panel-latency" | "photodiode"
  std::string due;
  friend bool operator==(const Calibration&, const Calibration&) = default;
};

struct RigInfo {
  std::string name;
  std::string kind;         // "sim" | "real"
  std::string description;  // the rig description's path, as given
  std::string sha256;       // of the rig description's bytes
  Calibration calibration;
  friend bool operator==(const RigInfo&, const RigInfo&) = default;
};

struct StandardInfo {
  std::string id, title, version, sha256;
  static StandardInfo of(const Standard& s);
  friend bool operator==(const StandardInfo&, const StandardInfo&) = default;
};

struct TerminalInfo {
  std::string vendor, model, firmware_version, firmware_hash, serial;
  std::optional<std::string> profile;  // the simulated terminal's behaviour profile
  friend bool operator==(const TerminalInfo&, const TerminalInfo&) = default;
};

struct FixtureSetInfo {
  std::string name, source;
  std::uint64_t persons = 0, impostors = 0, presentations = 0;
  std::string manifest_sha256;
  friend bool operator==(const FixtureSetInfo&, const FixtureSetInfo&) = default;
};

struct LuxReading {
  std::string condition;
  double lux = 0.0;
  std::string at;
  friend bool operator==(const LuxReading&, const LuxReading&) = default;
};

struct Environment {
  std::vector<LuxReading> lux;
  std::optional<double> temperature_c;
  friend bool operator==(const Environment&, const Environment&) = default;
};

struct TrialGroup {
  std::string id;  // "JX-A.2/normal"
  std::string clause, condition, terminal_mode;
  std::uint64_t trials = 0;
  std::uint64_t plan_seed = 0;
  std::string plan_sha256;
  friend bool operator==(const TrialGroup&, const TrialGroup&) = default;
};

struct Evidence {
  std::string path;  // relative to the results file's folder
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string what;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

struct ResultsDocument {
  RunInfo run;
  LabInfo lab;
  RigInfo rig;
  StandardInfo standard;
  TerminalInfo terminal;
  FixtureSetInfo fixture_set;
  std::vector<ClauseResult> clauses;
  Environment environment;
  std::vector<TrialGroup> trial_groups;
  std::vector<Evidence> evidence;

  // Hashes `folder / relative_path` (SHA-256, size) and appends it. Throws std::invalid_argument
  // for an absolute path or one leaving the folder, std::runtime_error when the file is unreadable.
  const Evidence& add_evidence(const std::filesystem::path& folder, const std::string& relative_path, std::string what);
  ClauseVerdict verdict() const { return overall(clauses); }
  friend bool operator==(const ResultsDocument&, const ResultsDocument&) = default;
};

// The document, keys in the order docs/results-schema.md gives.
nlohmann::ordered_json to_json(const ResultsDocument& doc);
nlohmann::ordered_json to_json(const ClauseResult& clause);
nlohmann::ordered_json to_json(const MeasurementResult& m);

// Writes to_json(doc) to `path` atomically (see the top of this file). Throws std::system_error
// naming the path and the step that failed; the previous file, if any, is then untouched.
void write_results(const ResultsDocument& doc, const std::filesystem::path& path);
// Any text, the same way (results.json, and whoever else needs it).
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

// Reads and checks a document (the one reader: the report validates through it too): the schema
// tag, every field's type, the closed vocabularies (verdicts, units, terminal modes, rig kinds),
// clause ids and evidence paths unique, evidence paths relative and inside the folder with
// 64-hex digests, an ERROR clause saying what broke, a PASS clause with no FAIL or NOT
// DEMONSTRABLE measurement and no required one NOT TESTED. Throws ResultsError naming the file
// and the JSON path. Unknown extra fields are allowed (fields are only ever added within a
// schema version).
ResultsDocument read_results(const std::filesystem::path& path);
ResultsDocument results_from_json(const nlohmann::json& doc, const std::string& file = "<json>");

// A random (version 4) UUID for RunInfo::id.
std::string make_run_id();
// "2026-11-21T10:00:00+08:00": the platforms' civil time with its offset.
std::string format_run_time(WallNs wall, UtcOffset offset = UtcOffset::china());

}  // namespace gaterig::standard
