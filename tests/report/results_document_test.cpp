#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "reports/report/results_document.hpp"

namespace gaterig::report {
namespace {

using testing::data_dir;

nlohmann::json example() { return load_results(data_dir() / "results-compliant.json").doc; }

void expect_error(const nlohmann::json& doc, const std::string& fragment) {
  try {
    validate_results(doc, "results.json");
    FAIL() << "expected a ResultsError mentioning " << fragment;
  } catch (const ResultsError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ResultsDocument, BothExamplesAreValidGaterigResults1) {
  EXPECT_NO_THROW(load_results(data_dir() / "results-compliant.json"));
  EXPECT_NO_THROW(load_results(data_dir() / "results-degraded.json"));
}

TEST(ResultsDocument, ErrorsNameTheJsonPathAndWhatWasExpected) {
  auto d = example();
  d["schema"] = "gaterig.results/2";
  expect_error(d, "$.schema: expected \"gaterig.results/1\"");
  d = example();
  d["clauses"][1]["verdict"] = "OK";
  expect_error(d, "$.clauses[1].verdict: expected one of");
  d = example();
  d["terminal"].erase("firmware_hash");
  expect_error(d, "$.terminal.firmware_hash: missing");
  d = example();
  d["clauses"][1]["measurements"][0]["unit"] = "percent";
  expect_error(d, "$.clauses[1].measurements[0].unit");
  d = example();
  d["evidence"][0]["path"] = "../../etc/passwd";
  expect_error(d, "$.evidence[0].path");
}

TEST(ResultsDocument, APassingClauseMayNotHaveAFailingMeasurement) {
  auto d = example();
  d["clauses"][1]["measurements"][0]["verdict"] = "FAIL";
  expect_error(d, "$.clauses[1].verdict: PASS, but a measurement of the clause is FAIL");
}

TEST(ResultsDocument, AnErrorClauseMustSayWhatWentWrong) {
  auto d = example();
  d["clauses"][0]["verdict"] = "ERROR";
  expect_error(d, "$.clauses[0].error");
}

}  // namespace
}  // namespace gaterig::report
