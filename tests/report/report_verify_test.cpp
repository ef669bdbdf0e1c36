#include <gtest/gtest.h>

#include <random>
#include <set>

#include "report_fixture.hpp"
#include "reports/report/report_seal.hpp"

namespace gaterig::report {
namespace {

namespace fs = std::filesystem;
using namespace testing;

// Positions to alter in a file: every byte of small files; for large ones the first and last 64
// bytes, one position of every distinct byte value present (so every byte class — digits,
// letters, quotes, braces, commas, colons, UTF-8 continuation bytes, newlines — is hit) and
// `sampled` seeded random positions.
std::vector<std::size_t> positions(const std::string& bytes, std::size_t sampled, std::size_t all_below = 4096) {
  std::set<std::size_t> p;
  if (bytes.size() <= all_below) {
    for (std::size_t i = 0; i < bytes.size(); ++i) p.insert(i);
    return {p.begin(), p.end()};
  }
  for (std::size_t i = 0; i < 64; ++i) {
    p.insert(i);
    p.insert(bytes.size() - 1 - i);
  }
  std::set<unsigned char> seen;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (seen.insert(static_cast<unsigned char>(bytes[i])).second) p.insert(i);
  std::mt19937_64 rng(7);
  for (std::size_t k = 0; k < sampled; ++k) p.insert(rng() % bytes.size());
  return {p.begin(), p.end()};
}

// Alters each position in turn (two ways: the low bit, and a swap to a plausible neighbour that
// keeps JSON valid when it can: digit to digit, letter to letter), verifies, restores.
struct Tampering {
  std::size_t tried = 0, caught = 0;
  std::vector<std::string> missed;
};

Tampering tamper_each(const fs::path& dir, const std::string& rel, std::size_t sampled) {
  Tampering t;
  const fs::path file = dir / rel;
  const std::string original = slurp(file);
  for (auto pos : positions(original, sampled)) {
    const unsigned char c = static_cast<unsigned char>(original[pos]);
    std::vector<unsigned char> replacements{static_cast<unsigned char>(c ^ 0x01)};
    // The second, JSON-preserving alteration at every 4th position keeps the run near a minute
    // on a loaded machine (each verify hashes the whole ~3 MB folder).
    if (pos % 4 == 0) {
      if (std::isdigit(c)) replacements.push_back(c == '9' ? '0' : c + 1);
      else if (std::isalpha(c)) replacements.push_back(std::islower(c) ? std::toupper(c) : std::tolower(c));
    }
    for (auto r : replacements) {
      std::string altered = original;
      altered[pos] = static_cast<char>(r);
      spit(file, altered);
      const auto v = verify_report(dir, built().public_key);
      ++t.tried;
      bool names_it = false;
      for (const auto& f : v.findings) names_it = names_it || f.file == rel || f.file == kSignatureFile;
      if (!v.ok() && names_it) ++t.caught;
      else t.missed.push_back(rel + " @" + std::to_string(pos) + " '" + std::string(1, static_cast<char>(c)) + "'->0x" +
                              std::to_string(r));
    }
  }
  spit(file, original);
  return t;
}

class ReportVerify : public ::testing::Test {
 protected:
  static fs::path copy(const std::string& name) {
    const auto dir = scratch(name);
    copy_tree(built().compliant, dir);
    return dir;
  }
};

TEST_F(ReportVerify, AnUntouchedReportIsIntactAndSignedByTheLabKey) {
  const auto v = verify_report(built().compliant, built().public_key);
  EXPECT_TRUE(v.ok()) << v;
  EXPECT_TRUE(v.key_trusted);
  EXPECT_EQ(v.files_checked, 6u);  // report.json/.html/.pdf + 3 evidence files
}

TEST_F(ReportVerify, CatchesEveryAlteredByteOfTheSignatureFile) {
  const auto dir = copy("sig");
  const auto t = tamper_each(dir, kSignatureFile, 0);
  EXPECT_GT(t.tried, 1000u);  // every byte of the ~1.1 kB file
  EXPECT_EQ(t.caught, t.tried) << "missed e.g. " << (t.missed.empty() ? "" : t.missed.front());
  EXPECT_TRUE(verify_report(dir, built().public_key).ok());
}

TEST_F(ReportVerify, CatchesAlteredBytesAllOverTheCanonicalJson) {
  const auto dir = copy("json");
  const auto t = tamper_each(dir, "report.json", 200);
  EXPECT_GT(t.tried, 300u);
  EXPECT_EQ(t.caught, t.tried) << "missed e.g. " << (t.missed.empty() ? "" : t.missed.front());
}

TEST_F(ReportVerify, CatchesAlteredBytesInEveryEvidenceFileAndTheRenderings) {
  const auto dir = copy("evidence");
  for (const char* rel : {"evidence/compliant/trials.csv", "evidence/compliant/events.jsonl", "evidence/results.json",
                          "report.html", "report.pdf"}) {
    const auto t = tamper_each(dir, rel, 30);
    EXPECT_GT(t.tried, 100u) << rel;
    EXPECT_EQ(t.caught, t.tried) << rel << " missed e.g. " << (t.missed.empty() ? "" : t.missed.front());
  }
}

TEST_F(ReportVerify, NamesTheFileAndTheKindOfChange) {
  const auto dir = copy("named");
  auto csv = slurp(dir / "evidence/compliant/trials.csv");
  csv[200] = csv[200] == '0' ? '1' : '0';
  spit(dir / "evidence/compliant/trials.csv", csv);
  const auto v = verify_report(dir, built().public_key);
  ASSERT_FALSE(v.ok());
  std::ostringstream text;
  text << v;
  EXPECT_NE(text.str().find("evidence/compliant/trials.csv: sha256 mismatch (signed "), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("sha256 differs from report.json's evidence digest"), std::string::npos) << text.str();
}

TEST_F(ReportVerify, CatchesRemovedAndAddedFilesAndAMissingSignature) {
  auto dir = copy("removed");
  fs::remove(dir / "evidence/compliant/events.jsonl");
  auto v = verify_report(dir, std::nullopt);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.findings.front().file, "evidence/compliant/events.jsonl");

  dir = copy("added");
  spit(dir / "evidence/extra.csv", "planted\n");
  v = verify_report(dir, std::nullopt);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.findings.front().file, "evidence/extra.csv");

  dir = copy("unsigned");
  fs::remove(dir / kSignatureFile);
  v = verify_report(dir, std::nullopt);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.findings.front().what.find("not signed"), std::string::npos);
}

TEST_F(ReportVerify, AReportResignedWithAnotherKeyIsNotTheLabs) {
  const auto dir = copy("resigned");
  auto report = slurp(dir / "report.json");
  const auto other = SigningKey::generate();
  seal_report(dir, other, "GR-forged");
  const auto without_key = verify_report(dir, std::nullopt);
  EXPECT_FALSE(without_key.ok());  // report id and key fingerprint no longer match report.json
  const auto v = verify_report(dir, built().public_key);
  ASSERT_FALSE(v.ok());
  bool named = false;
  for (const auto& f : v.findings) named = named || f.what.find("not by the expected key") != std::string::npos;
  EXPECT_TRUE(named) << v;
}

}  // namespace
}  // namespace gaterig::report
