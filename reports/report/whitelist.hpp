#pragma once
// A provincial whitelist entry (gaterig.whitelist-entry/1): the compact signed record a bureau
// files for an admitted terminal model: model, firmware hash, the report it rests on (id and
// digest), the clauses that passed, and how long the admission is valid.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reports/report/ed25519.hpp"
#include "reports/report/verification.hpp"

namespace gaterig::report {

inline constexpr const char* kWhitelistSchema = "gaterig.whitelist-entry/1";

// `report` is a verified report.json value, `report_sha256` the digest of its bytes; `issued` a
// date "yyyy-MM-dd". Throws std::invalid_argument when valid_days < 1 or the date is malformed.
nlohmann::json make_whitelist_entry(const nlohmann::json& report, const std::string& report_sha256,
                                    const SigningKey& key, int valid_days, const std::string& issued);

// Checks form (canonical), signature, key (against trusted_public_key when given) and validity on
// `today` ("yyyy-MM-dd"): an expired entry is a finding.
Verification verify_whitelist_entry(std::string_view bytes, const std::optional<std::string>& trusted_public_key,
                                    const std::string& today);

// "yyyy-MM-dd" + days; throws std::invalid_argument on a malformed date.
std::string add_days(const std::string& date, int days);

}  // namespace gaterig::report
