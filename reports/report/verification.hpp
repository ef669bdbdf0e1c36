#pragma once
// What `gaterig report verify` found: every finding names the file and what is wrong with it.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gaterig::report {

struct Finding {
  std::string file;  // "report.json", "evidence/compliant/trials.csv", "report.sig.json"
  std::string what;  // "sha256 mismatch (signed 3f2a…, found 9c01…)", "bad signature"
};

struct Verification {
  std::vector<Finding> findings;          // empty: intact
  std::string report_id;                  // as signed
  std::string key_fingerprint;            // of the key that signed
  bool key_trusted = false;               // checked against a public key the verifier supplied
  std::size_t files_checked = 0;
  bool ok() const { return findings.empty(); }
};
std::ostream& operator<<(std::ostream& os, const Verification& v);

}  // namespace gaterig::report
