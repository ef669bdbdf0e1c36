#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "report_fixture.hpp"
#include "reports/report/canonical_json.hpp"
#include "reports/report/report_package.hpp"
#include "reports/report/whitelist.hpp"

namespace gaterig::report {
namespace {

using namespace testing;

std::string entry_text() {
  const auto key = SigningKey::load(built().key_file);
  const auto r = load_report(built().compliant);
  return canonical_json(make_whitelist_entry(r, crypto::sha256_hex(slurp(built().compliant / "report.json")), key, 365,
                                             "2027-03-05")) + "\n";
}

TEST(Whitelist, AnEntryNamesModelFirmwareReportAndClausesAndVerifies) {
  const auto text = entry_text();
  const auto e = nlohmann::json::parse(text);
  EXPECT_EQ(e["schema"], "gaterig.whitelist-entry/1");
  EXPECT_EQ(e["model"], "EV-F100");
  EXPECT_EQ(e["firmware_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(e["report_id"], load_report(built().compliant)["report"]["id"]);
  EXPECT_EQ(e["valid_until"], "2028-03-04");  // 365 days, across 29 February 2028
  EXPECT_EQ(e["clauses_passed"].size(), 9u);
  EXPECT_LT(text.size(), 1200u);  // compact
  const auto v = verify_whitelist_entry(text, built().public_key, "2027-06-01");
  EXPECT_TRUE(v.ok()) << v;
  EXPECT_TRUE(v.key_trusted);
}

TEST(Whitelist, EveryAlteredByteIsCaught) {
  const auto text = entry_text();
  std::size_t missed = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string t = text;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    if (verify_whitelist_entry(t, built().public_key, "2027-06-01").ok()) ++missed;
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      t = text;
      t[i] = text[i] == '9' ? '0' : static_cast<char>(text[i] + 1);
      if (verify_whitelist_entry(t, built().public_key, "2027-06-01").ok()) ++missed;
    }
  }
  EXPECT_EQ(missed, 0u);
}

TEST(Whitelist, AnExpiredEntryOrAnotherKeyIsAFinding) {
  const auto text = entry_text();
  const auto expired = verify_whitelist_entry(text, built().public_key, "2028-03-05");
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.findings.front().what, "expired on 2028-03-04");
  const auto other = verify_whitelist_entry(text, SigningKey::generate().public_key(), "2027-06-01");
  EXPECT_FALSE(other.ok());
}

TEST(Whitelist, DatesAddAcrossMonthsYearsAndLeapDays) {
  EXPECT_EQ(add_days("2026-11-22", 365), "2027-11-22");
  EXPECT_EQ(add_days("2028-02-28", 1), "2028-02-29");
  EXPECT_EQ(add_days("2026-12-31", 1), "2027-01-01");
  EXPECT_THROW(add_days("2026-02-30", 1), std::invalid_argument);
  EXPECT_THROW(add_days("26-1-1", 1), std::invalid_argument);
}

}  // namespace
}  // namespace gaterig::report
