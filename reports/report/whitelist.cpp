#include "reports/report/whitelist.hpp"

#include <chrono>
#include <stdexcept>

#include "core/crypto.hpp"
#include "reports/report/canonical_json.hpp"

namespace gaterig::report {

std::string add_days(const std::string& date, int days) {
  using namespace std::chrono;
  int y = 0;
  unsigned m = 0, d = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3)
    throw std::invalid_argument("date \"" + date + "\": expected yyyy-MM-dd");
  const year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) throw std::invalid_argument("date \"" + date + "\": not a calendar date");
  const year_month_day out{sys_days{ymd} + std::chrono::days{days}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(out.year()), static_cast<unsigned>(out.month()),
                static_cast<unsigned>(out.day()));
  return buf;
}

Json make_whitelist_entry(const Json& report, const std::string& report_sha256, const SigningKey& key, int valid_days,
                          const std::string& issued) {
  if (valid_days < 1) throw std::invalid_argument("--valid-days: expected at least 1 day");
  const auto& t = report["terminal"];
  const std::string pub = key.public_key();
  Json e = {{"schema", kWhitelistSchema},
            {"vendor", t["vendor"]},
            {"model", t["model"]},
            {"firmware_version", t["firmware_version"]},
            {"firmware_hash", t["firmware_hash"]},
            {"standard", report["standard"]["id"].get<std::string>() + "@" + report["standard"]["version"].get<std::string>()},
            {"report_id", report["report"]["id"]},
            {"report_sha256", report_sha256},
            {"lab", report["lab"]["name"]},
            {"clauses_passed", report["summary"]["clauses_passed"]},
            {"clauses_not_passed", [&] {
               Json out = Json::array();
               for (const auto& c : report["clauses"])
                 if (c["verdict"] != "PASS") out.push_back(c["id"].get<std::string>() + " " + c["verdict"].get<std::string>());
               return out;
             }()},
            {"issued", issued},
            {"valid_until", add_days(issued, valid_days)},
            {"public_key", crypto::base64_encode(pub)},
            {"key_fingerprint", key_fingerprint(pub)}};
  e["signature"] = crypto::base64_encode(key.sign(canonical_json(e)));
  return e;
}

Verification verify_whitelist_entry(std::string_view bytes, const std::optional<std::string>& trusted_public_key,
                                    const std::string& today) {
  Verification v;
  const std::string name = "whitelist entry";
  v.files_checked = 1;
  try {
    // A trailing newline (as the command writes it) is not part of the canonical text.
    std::string_view text = bytes;
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    const Json e = parse_canonical(text, name);
    if (!e.is_object() || e.value("schema", "") != kWhitelistSchema)
      throw CanonicalJsonError("not a " + std::string(kWhitelistSchema));
    for (const char* k : {"signature", "public_key", "key_fingerprint", "report_id", "valid_until", "issued"})
      if (!e.contains(k) || !e[k].is_string()) throw CanonicalJsonError(std::string("member \"") + k + "\" missing or not a string");
    v.report_id = e["report_id"].get<std::string>();
    v.key_fingerprint = e["key_fingerprint"].get<std::string>();
    std::string pub, sig;
    try {
      pub = crypto::base64_decode(e["public_key"].get<std::string>());
      sig = crypto::base64_decode(e["signature"].get<std::string>());
    } catch (const std::exception&) {
    }
    Json body = e;
    body.erase("signature");
    if (crypto::base64_encode(pub) != e["public_key"] || crypto::base64_encode(sig) != e["signature"] || pub.size() != 32)
      v.findings.push_back({name, "public key or signature is not canonical Base64 of the right length"});
    else if (key_fingerprint(pub) != v.key_fingerprint)
      v.findings.push_back({name, "key fingerprint does not match the public key"});
    else if (!verify_signature(pub, canonical_json(body), sig))
      v.findings.push_back({name, "bad signature: a field or the signature was changed"});
    if (trusted_public_key) {
      if (pub != *trusted_public_key)
        v.findings.push_back({name, "signed by " + v.key_fingerprint + ", not by the expected key"});
      else
        v.key_trusted = true;
    }
    if (e["valid_until"].get<std::string>() < today)
      v.findings.push_back({name, "expired on " + e["valid_until"].get<std::string>()});
  } catch (const std::exception& ex) {
    v.findings.push_back({name, std::string("unreadable: ") + ex.what()});
  }
  return v;
}

}  // namespace gaterig::report
