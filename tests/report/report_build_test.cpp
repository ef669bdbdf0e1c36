#include <gtest/gtest.h>

#include <regex>

#include "core/crypto.hpp"
#include "core/resident_id.hpp"
#include "report_fixture.hpp"
#include "reports/report/canonical_json.hpp"
#include "reports/report/report_package.hpp"

namespace gaterig::report {
namespace {

namespace fs = std::filesystem;
using namespace testing;

// A copy of the compliant results in `dir` with one edit applied to the document (evidence copied).
fs::path results_copy(const fs::path& dir, const std::function<void(nlohmann::json&, const fs::path&)>& edit) {
  copy_tree(data_dir() / "compliant", dir / "compliant");
  auto doc = nlohmann::json::parse(slurp(data_dir() / "results-compliant.json"));
  edit(doc, dir);
  spit(dir / "results.json", doc.dump(1));
  return dir / "results.json";
}

BuildOptions fixed() {
  BuildOptions o;
  o.issued = kIssued;
  return o;
}

TEST(ReportBuild, SaysWhatIso17025Section78AsksFor) {
  const auto r = load_report(built().compliant);
  EXPECT_EQ(r["schema"], "gaterig.report/1");
  EXPECT_TRUE(std::regex_match(r["report"]["id"].get<std::string>(), std::regex("GR-20270305-[0-9a-f]{8}")));
  EXPECT_EQ(r["report"]["issued"], kIssued);
  EXPECT_FALSE(r["lab"]["name"].get<std::string>().empty());
  EXPECT_EQ(r["rig"]["calibration"]["photon_method"], "frame-publish");
  for (const char* k : {"vendor", "model", "firmware_version", "firmware_hash", "serial"}) EXPECT_TRUE(r["terminal"][k].is_string()) << k;
  EXPECT_EQ(r["standard"]["id"], "jiangxi-2022");
  EXPECT_EQ(r["dates"]["tested_from"], "2026-11-21T10:00:00+08:00");
  EXPECT_FALSE(r["environment"]["lux"].empty());
  bool saw_interval = false;
  for (const auto& c : r["clauses"]) {
    if (c["verdict"] == "NOT TESTED") continue;
    EXPECT_FALSE(c["method"].get<std::string>().empty()) << c["id"];
    EXPECT_FALSE(c["decision_rule"].get<std::string>().empty()) << c["id"];
    for (const auto& g : c["trial_groups"]) EXPECT_TRUE(g["terminal_mode"] == "test" || g["terminal_mode"] == "liveness");
    for (const auto& m : c["measurements"]) {
      EXPECT_TRUE(m["unit"].is_string());
      EXPECT_GT(m["trials"].get<double>(), 0) << c["id"] << " " << m["name"];
      saw_interval = saw_interval || m["interval"].is_object();
    }
  }
  EXPECT_TRUE(saw_interval);
  EXPECT_EQ(r["summary"]["verdict"], "PASS");
  EXPECT_EQ(r["signing"]["algorithm"], "Ed25519");
  EXPECT_EQ(r["signing"]["key_fingerprint"], key_fingerprint(built().public_key));
  // The simulated rig and the frame-publish photon time are stated as deviations.
  EXPECT_NE(r["deviations"].dump().find("Simulated rig"), std::string::npos);
  EXPECT_NE(r["deviations"].dump().find("no photodiode"), std::string::npos);
}

TEST(ReportBuild, EveryEvidenceFileIsCopiedWithItsDigest) {
  const auto r = load_report(built().compliant);
  ASSERT_EQ(r["evidence"].size(), 3u);  // results.json, trials.csv, events.jsonl
  for (const auto& e : r["evidence"]) {
    const auto bytes = slurp(built().compliant / e["path"].get<std::string>());
    EXPECT_EQ(crypto::sha256_hex(bytes), e["sha256"]) << e["path"];
    EXPECT_EQ(bytes.size(), e["bytes"].get<std::size_t>());
  }
}

TEST(ReportBuild, TheDegradedRunFailsOnLightAndShowsTheRigError) {
  const auto r = load_report(built().degraded);
  EXPECT_EQ(r["summary"]["verdict"], "FAIL");
  EXPECT_EQ(r["summary"]["clauses_failed"], nlohmann::json::array({"JX-A.6"}));
  EXPECT_EQ(r["summary"]["clauses_error"], nlohmann::json::array({"JX-A.1"}));
}

TEST(ReportBuild, IsTheSameByteForByteWhenBuiltTwiceFromTheSameResults) {
  const auto key = SigningKey::load(built().key_file);
  const auto a = scratch("twice-a"), b = scratch("twice-b");
  fs::remove(a);
  fs::remove(b);
  write_report_package(load_results(data_dir() / "results-compliant.json"), fixed(), a, &key);
  write_report_package(load_results(data_dir() / "results-compliant.json"), fixed(), b, &key);
  for (const char* f : {"report.json", "report.html", "report.pdf", "report.sig.json"})
    EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  EXPECT_EQ(slurp(a / "report.json"), slurp(built().compliant / "report.json"));
}

TEST(ReportBuild, RefusesToWriteIntoAFolderThatHoldsFiles) {
  const auto dir = scratch("not-empty");
  spit(dir / "old.txt", "stale");
  EXPECT_THROW(write_report_package(load_results(data_dir() / "results-compliant.json"), fixed(), dir, nullptr),
               std::invalid_argument);
}

TEST(ReportBuild, RefusesEvidenceThatDoesNotMatchItsDigestNamingTheFile) {
  const auto dir = scratch("bad-evidence");
  const auto results = results_copy(dir, [](nlohmann::json&, const fs::path& d) {
    auto csv = slurp(d / "compliant/trials.csv");
    csv[100] = csv[100] == '1' ? '2' : '1';
    spit(d / "compliant/trials.csv", csv);
  });
  try {
    write_report_package(load_results(results), fixed(), dir / "out", nullptr);
    FAIL() << "expected ResultsError";
  } catch (const ResultsError& e) {
    EXPECT_NE(std::string(e.what()).find("trials.csv does not match its digest"), std::string::npos) << e.what();
  }
}

TEST(ReportBuild, MasksIdNumbersInTheModelTheEvidenceTheHtmlAndThePdf) {
  const std::string id = synthetic_resident_id(4242);
  const std::string masked = mask_id(id);
  const auto dir = scratch("mask");
  const auto results = results_copy(dir, [&](nlohmann::json& doc, const fs::path& d) {
    doc["clauses"][1]["notes"].push_back("operator checked worker " + id + " by hand");
    auto csv = slurp(d / "compliant/trials.csv");
    csv += "9999,JX-A.2/genuine,JX-A.2,normal," + id + ",enrolled,,x,1,true_accept,,500.0,,test,\n";
    spit(d / "compliant/trials.csv", csv);
    doc["evidence"][0]["sha256"] = crypto::sha256_hex(csv);
    doc["evidence"][0]["bytes"] = csv.size();
  });
  const auto out = dir / "out";
  write_report_package(load_results(results), fixed(), out, nullptr);
  for (const char* f : {"report.json", "report.html", "evidence/compliant/trials.csv", "evidence/results.json"}) {
    const auto text = slurp(out / f);
    EXPECT_EQ(text.find(id), std::string::npos) << f << " leaks the ID number";
    EXPECT_NE(text.find(masked), std::string::npos) << f << " lacks the masked ID";
  }
  std::string pdf_text;
  ASSERT_EQ(run("pdftotext -enc UTF-8 " + (out / "report.pdf").string() + " -", &pdf_text), 0);
  EXPECT_EQ(pdf_text.find(id), std::string::npos);
  EXPECT_NE(pdf_text.find(masked), std::string::npos);
  const auto r = load_report(out);
  EXPECT_EQ(r["privacy"]["evidence_files_masked_on_copy"], 2);  // trials.csv and results.json
}

TEST(ReportBuild, WithholdsFaceImagesUnlessAskedFor) {
  const auto dir = scratch("faces");
  const std::string jpeg = "\xFF\xD8\xFF\xE0 not really a face \xFF\xD9";
  const auto results = results_copy(dir, [&](nlohmann::json& doc, const fs::path& d) {
    fs::create_directories(d / "faces");
    spit(d / "faces/P0001.jpg", jpeg);
    doc["evidence"].push_back({{"path", "faces/P0001.jpg"}, {"sha256", crypto::sha256_hex(jpeg)}, {"bytes", jpeg.size()},
                               {"what", "presentation image of a false reject"}});
  });
  write_report_package(load_results(results), fixed(), dir / "default", nullptr);
  EXPECT_FALSE(fs::exists(dir / "default/evidence/faces/P0001.jpg"));
  const auto r = load_report(dir / "default");
  EXPECT_EQ(r["evidence"].back()["copied"], false);
  EXPECT_EQ(r["evidence"].back()["sha256"], crypto::sha256_hex(jpeg));
  EXPECT_EQ(slurp(dir / "default/report.html").find("<img"), std::string::npos);

  auto o = fixed();
  o.include_faces = true;
  write_report_package(load_results(results), o, dir / "asked", nullptr);
  EXPECT_EQ(slurp(dir / "asked/evidence/faces/P0001.jpg"), jpeg);
}

TEST(ReportHtml, IsSelfContainedWithNoExternalResource) {
  const auto html = slurp(built().compliant / "report.html");
  for (const char* bad : {"http://", "https://", "src=", "url(", "@import", "<script", "<link"})
    EXPECT_EQ(html.find(bad), std::string::npos) << "found " << bad;
  std::smatch m;
  std::string rest = html;
  const std::regex href("href=\"([^\"]*)\"");
  while (std::regex_search(rest, m, href)) {
    EXPECT_EQ(m[1].str().rfind("#", 0), 0u) << "href to " << m[1];
    rest = m.suffix();
  }
}

TEST(ReportHtml, HasBilingualLabelsEveryClauseAndThePlots) {
  const auto html = slurp(built().compliant / "report.html");
  for (const char* s : {"检测报告", "Test report", "检测结论", "符合 PASS", "未检测 NOT TESTED", "误识率", "false-accept rate",
                        "JX-A.2", "JX-A.17", "识别速度与准确率", "逆光", "APCER", "累积分布", "直方图", "SHA-256"})
    EXPECT_NE(html.find(s), std::string::npos) << s;
  std::size_t svgs = 0;
  for (auto p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) ++svgs;
  // JX-A.2: CDF + 1 histogram + 2 rate plots; JX-A.6: CDF + 2 histograms + 2 rate plots; ...
  EXPECT_GE(svgs, 15u);
  const auto degraded = slurp(built().degraded / "report.html");
  EXPECT_NE(degraded.find("不符合 FAIL"), std::string::npos);
  EXPECT_NE(degraded.find("检测异常 ERROR"), std::string::npos);
}

}  // namespace
}  // namespace gaterig::report
