// The report takes results in through the one reader (rigs/standard): these are the checks the
// report relies on before it renders, seen from its side. The reader's own rules are tested in
// tests/standard/results_document_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "report_fixture.hpp"
#include "reports/report/results_document.hpp"

namespace gaterig::report {
namespace {

using testing::data_dir;

nlohmann::json example() { return load_results(data_dir() / "results-compliant.json").doc; }

void expect_error(const nlohmann::json& doc, const std::string& fragment) {
  try {
    (void)standard::results_from_json(doc, "results.json");
    FAIL() << "expected a ResultsError mentioning " << fragment;
  } catch (const ResultsError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ResultsDocument, BothExamplesAreValidGaterigResults1) {
  EXPECT_NO_THROW(load_results(data_dir() / "results-compliant.json"));
  EXPECT_NO_THROW(load_results(data_dir() / "results-degraded.json"));
}

TEST(ResultsDocument, KeepsTheBytesAsReadBesideTheTypedFields) {
  const auto path = data_dir() / "results-compliant.json";
  const auto r = load_results(path);
  EXPECT_EQ(r.bytes, testing::slurp(path));
  EXPECT_EQ(r.doc, nlohmann::json::parse(r.bytes));
  EXPECT_EQ(r.typed.run.id, r.doc["run"]["id"]);
  ASSERT_EQ(r.typed.evidence.size(), r.doc["evidence"].size());
  EXPECT_EQ(r.typed.evidence[0].sha256, r.doc["evidence"][0]["sha256"]);
}

TEST(ResultsDocument, LoadingNamesTheFileAndTheJsonPath) {
  // Not testing::scratch: that builds the example reports first, which this test does not need.
  const auto dir = std::filesystem::temp_directory_path() / ("gaterig-bad-results-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto d = example();
  d["clauses"][1]["verdict"] = "OK";
  testing::spit(dir / "results.json", d.dump());
  try {
    load_results(dir / "results.json");
    FAIL() << "expected ResultsError";
  } catch (const ResultsError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "results.json").string() +
                                         ": clauses[1].verdict: expected PASS, FAIL, NOT TESTED or ERROR, found \"OK\"");
    EXPECT_EQ(e.json_path(), "clauses[1].verdict");
  }
  testing::spit(dir / "broken.json", "{\"schema\":");
  EXPECT_THROW(load_results(dir / "broken.json"), ResultsError);
  EXPECT_THROW(load_results(dir / "absent.json"), ResultsError);
  std::filesystem::remove_all(dir);
}

TEST(ResultsDocument, ErrorsNameTheJsonPathAndWhatWasExpected) {
  auto d = example();
  d["schema"] = "gaterig.results/2";
  expect_error(d, "results.json: schema: expected \"gaterig.results/1\", found \"gaterig.results/2\"");
  d = example();
  d["clauses"][1]["verdict"] = "OK";
  expect_error(d, "results.json: clauses[1].verdict: expected PASS, FAIL, NOT TESTED or ERROR, found \"OK\"");
  d = example();
  d["terminal"].erase("firmware_hash");
  expect_error(d, "results.json: terminal.firmware_hash: missing");
  d = example();
  d["clauses"][1]["measurements"][0]["unit"] = "percent";
  expect_error(d, "results.json: clauses[1].measurements[0].unit: expected ratio, ms, count, % or s, found \"percent\"");
  d = example();
  d["evidence"][0]["path"] = "../../etc/passwd";
  expect_error(d, "results.json: evidence[0].path: expected a path inside the results file's folder");
}

TEST(ResultsDocument, APassingClauseMayNotHaveAFailingMeasurement) {
  auto d = example();
  d["clauses"][1]["measurements"][0]["verdict"] = "FAIL";
  expect_error(d, "results.json: clauses[1].verdict: PASS, but a measurement of the clause is FAIL");
}

TEST(ResultsDocument, AnErrorClauseMustSayWhatWentWrong) {
  auto d = example();
  d["clauses"][0]["verdict"] = "ERROR";
  expect_error(d, "results.json: clauses[0].error: expected what went wrong");
}

}  // namespace
}  // namespace gaterig::report
