// The results document: round trip, key order, evidence digests, atomic replacement, and read
// errors that name the JSON path.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/crypto.hpp"
#include "rigs/standard/results_document.hpp"

namespace gaterig::standard {
namespace {

// "P007" (snprintf: GCC 12 warns falsely (-Wrestrict) about "P" + std::to_string(p)).
std::string person_label(int p) {
  char id[16];
  std::snprintf(id, sizeof id, "P%03d", p);
  return id;
}

namespace fs = std::filesystem;

const Standard& jiangxi() {
  static const Standard s = Standard::load(fs::path(GATERIG_SOURCE_DIR) / kDefaultStandardPath);
  return s;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("gaterig-results-" + crypto::to_hex(crypto::random_bytes(6)));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Measurement counts(const std::string& name, std::uint64_t events, std::uint64_t trials, const std::string& cond = "") {
  Measurement m;
  m.name = name;
  m.condition = cond;
  m.events = events;
  m.trials = trials;
  return m;
}

ResultsDocument sample(const fs::path& folder) {
  ResultsDocument d;
  d.run = {make_run_id(), "2026-11-21T10:00:00+08:00", "2026-11-21T12:30:00+08:00", false, 1, "0.1.0",
           "gaterig certify --rig rigs/sim.toml", false};
  d.lab = {"Sim Lab", "Nanchang", "CNAS L0000 (example)"};
  d.rig = {"sim", "sim", "rigs/sim.toml", std::string(64, 'a'), {std::nullopt, "frame-publish", "2027-01-01"}};
  d.standard = StandardInfo::of(jiangxi());
  d.terminal = {"gaterig", "devsim", "0.1.0", std::string(64, 'b'), "SIM-0001", std::string("compliant")};
  d.fixture_set = {"synth-123", "synthetic", 123, 40, 2000, std::string(64, 'c')};
  Measurement time;
  time.name = "recognition_time";
  for (int i = 0; i < 299; ++i) time.samples_ns.push_back(400'000'000 + i * 1'234'567);
  Measurement light = counts("pass_rate_vs_normal", 298, 299, "strong");
  light.baseline_events = 299;
  light.baseline_trials = 299;
  Measurement per_person = counts("pass_rate", 0, 0);
  for (int p = 0; p < 100; ++p) per_person.persons.push_back({person_label(p), p == 3 ? 2u : 3u, 3});
  d.clauses = evaluate_standard(
      jiangxi(), {{"JX-A.2", {per_person, counts("false_accept_rate", 1, 299), time}, std::nullopt},
                  {"JX-A.6", {light}, std::nullopt},
                  {"JX-A.10", {}, std::string("GPIO line busy")}});
  d.environment.lux = {{"normal", 500.0, "2026-11-21T10:01:00+08:00"}, {"strong", 20000.0, "2026-11-21T10:40:00+08:00"}};
  d.trial_groups = {{"JX-A.2/normal", "JX-A.2", "normal", "test", 600, 1, std::string(64, 'd')}};
  write(folder / "trials.csv", "trial,group\n1,JX-A.2/normal\n");
  d.add_evidence(folder, "trials.csv", "per-trial outcomes");
  return d;
}

TEST(ResultsDocument, RoundTripsThroughTheFile) {
  TempDir dir;
  const auto doc = sample(dir.path);
  const fs::path file = dir.path / kResultsFileName;
  write_results(doc, file);
  const auto back = read_results(file);
  EXPECT_EQ(back.run, doc.run);
  EXPECT_EQ(back.rig, doc.rig);
  EXPECT_EQ(back.terminal, doc.terminal);
  ASSERT_EQ(back.clauses.size(), doc.clauses.size());
  for (std::size_t i = 0; i < doc.clauses.size(); ++i) EXPECT_EQ(back.clauses[i], doc.clauses[i]) << doc.clauses[i].id;
  EXPECT_EQ(back, doc);
  EXPECT_EQ(to_json(back).dump(), to_json(doc).dump()) << "writing what was read gives the same bytes";
}

TEST(ResultsDocument, KeysComeInTheSchemasOrder) {
  TempDir dir;
  const auto j = to_json(sample(dir.path));
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"schema", "run", "lab", "rig", "standard", "terminal", "fixture_set",
                                            "clauses", "summary", "environment", "trial_groups", "evidence"}));
  const auto& far = j["clauses"][1]["measurements"][1];
  std::vector<std::string> mkeys;
  for (const auto& [k, v] : far.items()) mkeys.push_back(k);
  EXPECT_EQ(std::vector<std::string>(mkeys.begin(), mkeys.begin() + 12),
            (std::vector<std::string>{"name", "title", "unit", "condition", "value", "trials", "errors", "subjects",
                                      "interval", "bootstrap", "threshold", "verdict"}));
  EXPECT_EQ(far["verdict"], "NOT DEMONSTRABLE");
  EXPECT_EQ(far["threshold"]["op"], "<=");
  EXPECT_EQ(j["clauses"][1]["verdict"], "FAIL");
  EXPECT_EQ(j["clauses"][9]["verdict"], "ERROR");
  EXPECT_EQ(j["clauses"][1]["measurements"][2]["samples_ms"].size(), 299u);
  EXPECT_FALSE(far.contains("samples_ms")) << "latency measurements only";
  EXPECT_EQ(j["summary"]["verdict"], "ERROR");
}

TEST(ResultsDocument, EvidenceCarriesTheDigestAndSizeOfTheFile) {
  TempDir dir;
  const auto doc = sample(dir.path);
  ASSERT_EQ(doc.evidence.size(), 1u);
  EXPECT_EQ(doc.evidence[0].path, "trials.csv");
  EXPECT_EQ(doc.evidence[0].bytes, 28u);
  EXPECT_EQ(doc.evidence[0].sha256, crypto::sha256_hex("trial,group\n1,JX-A.2/normal\n"));
  ResultsDocument d;
  EXPECT_THROW(d.add_evidence(dir.path, "/etc/passwd", "x"), std::invalid_argument);
  EXPECT_THROW(d.add_evidence(dir.path, "../x", "x"), std::invalid_argument);
  EXPECT_THROW(d.add_evidence(dir.path, "missing.csv", "x"), std::runtime_error);
}

TEST(ResultsDocument, TheWriterReplacesTheFileWholeAndLeavesNoTemporaryFile) {
  TempDir dir;
  const fs::path file = dir.path / kResultsFileName;
  write(file, "old");
  const auto doc = sample(dir.path);
  write_results(doc, file);
  EXPECT_EQ(read_results(file), doc);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"results.json", "trials.csv"}));
}

TEST(ResultsDocument, AFailedWriteLeavesThePreviousFileAndNoTemporaryFile) {
  TempDir dir;
  const fs::path target = dir.path / "results.json";
  fs::create_directories(target / "occupied");  // a non-empty folder cannot be replaced by a file
  EXPECT_THROW(write_file_atomically(target, "{}"), std::system_error);
  EXPECT_TRUE(fs::is_directory(target / "occupied"));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++entries;
  EXPECT_EQ(entries, 1u);
  EXPECT_THROW(write_file_atomically(dir.path / "no-such-folder" / "results.json", "{}"), std::system_error);
}

TEST(ResultsDocument, AConcurrentReaderNeverSeesHalfADocument) {
  TempDir dir;
  const fs::path file = dir.path / kResultsFileName;
  const std::string small = "{\"n\": 1}\n";
  const std::string big = "{\"n\": 2, \"pad\": \"" + std::string(1 << 20, 'x') + "\"}\n";
  write_file_atomically(file, small);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, torn{0};
  std::thread reader([&] {
    while (!done.load()) {
      const std::string s = slurp(file);
      if (s != small && s != big) ++torn;
      ++reads;
    }
  });
  for (int i = 0; i < 40; ++i) write_file_atomically(file, i % 2 ? small : big);
  done = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 0);
}

TEST(ResultsDocument, ReadErrorsNameTheFileAndTheJsonPath) {
  TempDir dir;
  auto j = nlohmann::json::parse(to_json(sample(dir.path)).dump());
  j["clauses"][1]["measurements"][0]["verdict"] = "NOT_DEMONSTRABLE";
  try {
    results_from_json(j, "out/results.json");
    FAIL() << "no error";
  } catch (const ResultsError& e) {
    EXPECT_EQ(e.json_path(), "clauses[1].measurements[0].verdict");
    EXPECT_EQ(std::string(e.what()),
              "out/results.json: clauses[1].measurements[0].verdict: expected PASS, FAIL, NOT DEMONSTRABLE or "
              "NOT TESTED, found \"NOT_DEMONSTRABLE\"");
  }
  auto k = nlohmann::json::parse(to_json(sample(dir.path)).dump());
  k["run"].erase("seed");
  EXPECT_THROW(
      {
        try {
          results_from_json(k, "r.json");
        } catch (const ResultsError& e) {
          EXPECT_STREQ(e.what(), "r.json: run.seed: missing");
          throw;
        }
      },
      ResultsError);
  k = nlohmann::json::parse(to_json(sample(dir.path)).dump());
  k["schema"] = "gaterig.results/2";
  EXPECT_THROW(results_from_json(k, "r.json"), ResultsError);
  write(dir.path / "bad.json", "{");
  EXPECT_THROW(read_results(dir.path / "bad.json"), ResultsError);
}

// The sample as JSON, for tests that break one field of it.
nlohmann::json sample_json() {
  TempDir dir;
  return nlohmann::json::parse(to_json(sample(dir.path)).dump());
}

// The reader refuses `doc` with exactly this message (file "r.json").
void expect_refused(const nlohmann::json& doc, const std::string& message) {
  try {
    (void)results_from_json(doc, "r.json");
    ADD_FAILURE() << "accepted; expected: " << message;
  } catch (const ResultsError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

// `doc` with the value at `where` replaced.
nlohmann::json with(nlohmann::json doc, const std::string& where, nlohmann::json value) {
  doc[nlohmann::json::json_pointer(where)] = std::move(value);
  return doc;
}

// The report used to check these on its own (reports/report's Checker); the one reader now does,
// as docs/results-schema.md has them.
TEST(ResultsDocument, TheContractsFieldsAreRequiredEvenWhereTheyMayBeNull) {
  const auto j = sample_json();
  for (const auto& [erase, message] : std::vector<std::pair<nlohmann::json::json_pointer, std::string>>{
           {"/run/ended"_json_pointer, "r.json: run.ended: missing"},
           {"/run/resumed"_json_pointer, "r.json: run.resumed: missing"},
           {"/rig/calibration"_json_pointer, "r.json: rig.calibration: missing"},
           {"/rig/calibration/panel_latency_ms"_json_pointer, "r.json: rig.calibration.panel_latency_ms: missing"},
           {"/clauses/1/title_zh"_json_pointer, "r.json: clauses[1].title_zh: missing"},
           {"/clauses/1/notes"_json_pointer, "r.json: clauses[1].notes: missing"},
           {"/clauses/1/error"_json_pointer, "r.json: clauses[1].error: missing"},
           {"/clauses/1/measurements/0/condition"_json_pointer, "r.json: clauses[1].measurements[0].condition: missing"},
           {"/clauses/1/measurements/0/interval"_json_pointer, "r.json: clauses[1].measurements[0].interval: missing"},
           {"/clauses/1/measurements/0/subjects"_json_pointer, "r.json: clauses[1].measurements[0].subjects: missing"},
           {"/environment/temperature_c"_json_pointer, "r.json: environment.temperature_c: missing"}}) {
    auto d = j;
    d[erase.parent_pointer()].erase(erase.back());
    expect_refused(d, message);
  }
  // "number | null" means null is fine where the schema says so, and nowhere else.
  const auto read =
      results_from_json(with(with(j, "/clauses/1/measurements/0/subjects", nullptr), "/rig/calibration/due", nullptr));
  EXPECT_EQ(read.clauses[1].measurements[0].subjects, 0u);
  EXPECT_EQ(read.rig.calibration.due, "");
  expect_refused(with(j, "/clauses/1/measurements/0/threshold", nullptr),
                 "r.json: clauses[1].measurements[0].threshold: expected an object, found null");
  expect_refused(with(j, "/clauses/1/measurements/1/interval/high", nullptr),
                 "r.json: clauses[1].measurements[1].interval.high: expected a number, found null");
}

// Each case: the value put at a JSON pointer, and the whole message the reader refuses it with.
struct Refusal {
  std::string where;
  nlohmann::json value;
  std::string message;
};

TEST(ResultsDocument, VocabulariesCountsAndEvidenceAreTheSchemas) {
  const auto j = sample_json();
  const std::string upper(64, 'A');
  for (const auto& r : std::vector<Refusal>{
           {"/clauses/1/terminal_mode", "liveness,test",
            "clauses[1].terminal_mode: expected test, liveness or n/a, found \"liveness,test\""},
           {"/trial_groups/0/terminal_mode", 3, "trial_groups[0].terminal_mode: expected test, liveness or n/a, found number"},
           {"/clauses/1/measurements/0/unit", "percent",
            "clauses[1].measurements[0].unit: expected ratio, ms, count, % or s, found \"percent\""},
           {"/clauses/1/measurements/0/trials", 1.5,
            "clauses[1].measurements[0].trials: expected a count (an integer >= 0), found 1.5"},
           {"/clauses/1/measurements/2/samples_ms/3", -1.0,
            "clauses[1].measurements[2].samples_ms[3]: expected a latency in ms >= 0, found -1.0"},
           {"/clauses/3/id", "JX-A.2", "clauses[3].id: expected one entry per clause, found \"JX-A.2\" again (clauses[1])"},
           {"/evidence/1", j["evidence"][0],
            "evidence[1].path: expected each evidence file listed once, found \"trials.csv\" again (evidence[0])"},
           {"/evidence/0/path", "/etc/passwd",
            "evidence[0].path: expected a path relative to the results file's folder, found \"/etc/passwd\""},
           {"/evidence/0/path", "logs/../../x",
            "evidence[0].path: expected a path inside the results file's folder (no \"..\"), found \"logs/../../x\""},
           {"/evidence/0/sha256", upper, "evidence[0].sha256: expected 64 lowercase hex digits, found \"" + upper + "\""}})
    expect_refused(with(j, r.where, r.value), "r.json: " + r.message);
}

TEST(ResultsDocument, AClauseVerdictFollowsTheRuleAReaderCanCheck) {
  auto passing = with(sample_json(), "/clauses/1/verdict", "PASS");  // JX-A.2
  for (auto& m : passing["clauses"][1]["measurements"]) m["verdict"] = "PASS";
  EXPECT_NO_THROW(results_from_json(passing, "r.json"));
  expect_refused(with(passing, "/clauses/1/measurements/1/verdict", "NOT DEMONSTRABLE"),
                 "r.json: clauses[1].verdict: PASS, but a measurement of the clause is NOT DEMONSTRABLE "
                 "(measurements[1] false_accept_rate [normal]): expected FAIL");
  expect_refused(with(passing, "/clauses/1/measurements/0/verdict", "FAIL"),
                 "r.json: clauses[1].verdict: PASS, but a measurement of the clause is FAIL "
                 "(measurements[0] pass_rate [normal]): expected FAIL");
  const auto untested = with(passing, "/clauses/1/measurements/0/verdict", "NOT TESTED");
  expect_refused(untested, "r.json: clauses[1].verdict: PASS, but a required measurement of the clause is NOT TESTED "
                           "(measurements[0] pass_rate [normal]): expected NOT TESTED");
  EXPECT_NO_THROW(results_from_json(with(untested, "/clauses/1/measurements/0/required", false)))
      << "an optional measurement may be missing";
  const auto error = sample_json();
  ASSERT_EQ(error["clauses"][9]["verdict"], "ERROR");
  expect_refused(with(error, "/clauses/9/error", nullptr),
                 "r.json: clauses[9].error: expected what went wrong (the clause is ERROR), found null");
}

TEST(ResultsDocument, RunIdsAreVersion4UuidsAndTimesCarryTheirOffset) {
  const auto id = make_run_id();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
  EXPECT_NE(make_run_id(), id);
  // 2026-11-21 02:00:00 UTC
  EXPECT_EQ(format_run_time(1'795'226'400'000'000'000LL), "2026-11-21T10:00:00+08:00");
  EXPECT_EQ(format_run_time(1'795'226'400'000'000'000LL, UtcOffset{-90}), "2026-11-21T00:30:00-01:30");
}

}  // namespace
}  // namespace gaterig::standard
