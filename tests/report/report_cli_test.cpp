// The command as a script uses it: keygen, build, verify, diff, whitelist, and their exit codes.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "report_fixture.hpp"

namespace gaterig::report {
namespace {

namespace fs = std::filesystem;
using namespace testing;

const std::string kGaterig = GATERIG_BINARY;

std::string q(const fs::path& p) {
  std::string out = "'";  // appended, not a chain of operator+ (GCC 12 -Wrestrict false positive)
  out += p.string();
  out += "'";
  return out;
}

TEST(ReportCli, KeygenBuildVerifyDiffWhitelistWithExitCodes) {
  const auto dir = scratch("cli");
  std::string out;
  ASSERT_EQ(run(kGaterig + " report keygen --out " + q(dir / "lab.key"), &out), 0) << out;
  struct stat st {};
  ASSERT_EQ(::stat((dir / "lab.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(run(kGaterig + " report keygen --out " + q(dir / "lab.key"), &out), 2) << "an existing key must not be replaced";

  for (const char* run_name : {"compliant", "degraded"}) {
    ASSERT_EQ(run(kGaterig + " report build --results " + q(data_dir() / (std::string("results-") + run_name + ".json")) +
                      " --out " + q(dir / run_name) + " --key " + q(dir / "lab.key") + " --issued 2027-03-05T09:00:00+08:00",
                  &out),
              0)
        << out;
  }
  EXPECT_NE(out.find("FAIL"), std::string::npos) << out;

  EXPECT_EQ(run(kGaterig + " report verify " + q(dir / "compliant") + " --pubkey " + q(dir / "lab.key.pub"), &out), 0) << out;
  EXPECT_NE(out.find("intact"), std::string::npos) << out;

  EXPECT_EQ(run(kGaterig + " report diff " + q(dir / "compliant") + " " + q(dir / "degraded"), &out), 1) << out;
  EXPECT_NE(out.find("WORSE in JX-A.6"), std::string::npos) << out;
  EXPECT_EQ(run(kGaterig + " report diff " + q(dir / "compliant") + " " + q(dir / "compliant") + " --json", &out), 0) << out;
  EXPECT_EQ(run(kGaterig + " report diff " + q(dir / "compliant") + " " + q(dir / "nowhere"), &out), 2) << out;

  EXPECT_EQ(run(kGaterig + " report whitelist " + q(dir / "compliant") + " --valid-days 365 --key " + q(dir / "lab.key") +
                    " --out " + q(dir / "entry.json") + " --issued 2027-03-05",
                &out),
            0)
      << out;
  EXPECT_EQ(run(kGaterig + " report verify " + q(dir / "entry.json") + " --today 2027-06-01 --pubkey " + q(dir / "lab.key.pub"), &out), 0)
      << out;
  EXPECT_EQ(run(kGaterig + " report whitelist " + q(dir / "degraded") + " --valid-days 365 --key " + q(dir / "lab.key"), &out), 1)
      << "a failing report gets no whitelist entry: " << out;

  // One byte of evidence changed: verify exits 1 naming the file; diff refuses the altered report.
  auto csv = slurp(dir / "degraded/evidence/degraded/trials.csv");
  csv[300] = static_cast<char>(csv[300] ^ 1);
  spit(dir / "degraded/evidence/degraded/trials.csv", csv);
  EXPECT_EQ(run(kGaterig + " report verify " + q(dir / "degraded"), &out), 1) << out;
  EXPECT_NE(out.find("evidence/degraded/trials.csv: sha256 mismatch"), std::string::npos) << out;
  EXPECT_EQ(run(kGaterig + " report diff " + q(dir / "compliant") + " " + q(dir / "degraded"), &out), 2) << out;
}

}  // namespace
}  // namespace gaterig::report
