#include "reports/report/report_seal.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/crypto.hpp"
#include "reports/report/canonical_json.hpp"

namespace gaterig::report {
namespace {

namespace fs = std::filesystem;

std::string short_hex(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) + "…" : h; }

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), dir).generic_string();
    if (rel != kSignatureFile) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Canonical Base64 only: a changed padding bit must not decode to the same bytes unnoticed.
std::optional<std::string> strict_base64(const std::string& text) {
  try {
    std::string raw = crypto::base64_decode(text);
    if (crypto::base64_encode(raw) != text) return std::nullopt;
    return raw;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Verification& v) {
  if (v.ok()) {
    os << "intact: " << v.files_checked << " file(s) match the signature of report " << v.report_id << "\n"
       << "signed by " << v.key_fingerprint
       << (v.key_trusted ? " (the public key given)" : " (key taken from the signature file: integrity only; pass --pubkey to check who signed)")
       << "\n";
    return os;
  }
  os << "ALTERED: " << v.findings.size() << " finding(s)\n";
  for (const auto& f : v.findings) os << "  " << f.file << ": " << f.what << "\n";
  return os;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void seal_report(const fs::path& dir, const SigningKey& key, const std::string& report_id) {
  Json files = Json::array();
  for (const auto& rel : files_under(dir)) {
    const std::string bytes = read_bytes(dir / rel);
    files.push_back({{"path", rel}, {"sha256", crypto::sha256_hex(bytes)}, {"bytes", bytes.size()}});
  }
  const std::string pub = key.public_key();
  Json sig = {{"schema", kSignatureSchema},
              {"algorithm", "Ed25519"},
              {"public_key", crypto::base64_encode(pub)},
              {"key_fingerprint", key_fingerprint(pub)},
              {"report_id", report_id},
              {"files", files}};
  sig["signature"] = crypto::base64_encode(key.sign(canonical_json(sig)));
  std::ofstream out(dir / kSignatureFile, std::ios::binary | std::ios::trunc);
  out << canonical_json(sig);
  if (!out) throw std::runtime_error((dir / kSignatureFile).string() + ": cannot write");
}

Verification verify_report(const fs::path& dir, const std::optional<std::string>& trusted_public_key) {
  Verification v;
  auto find = [&](const std::string& file, const std::string& what) { v.findings.push_back({file, what}); };
  if (!fs::is_directory(dir)) {
    find(dir.string(), "not a report folder");
    return v;
  }
  const auto present = files_under(dir);
  // Each file is read and hashed once, however many lists name it.
  std::map<std::string, std::pair<std::string, std::size_t>> digests;
  auto digest_of = [&](const std::string& rel) -> const std::pair<std::string, std::size_t>& {
    auto it = digests.find(rel);
    if (it == digests.end()) {
      const std::string bytes = read_bytes(dir / rel);
      it = digests.emplace(rel, std::pair{crypto::sha256_hex(bytes), bytes.size()}).first;
    }
    return it->second;
  };
  const std::set<std::string> present_set(present.begin(), present.end());

  // 1. The signature file: canonical, well-formed, signature valid, key as expected.
  Json sig;
  if (!fs::exists(dir / kSignatureFile)) {
    find(kSignatureFile, "missing: the report is not signed (built without --key) or its signature was removed");
  } else {
    try {
      sig = parse_canonical(read_bytes(dir / kSignatureFile), kSignatureFile);
      if (!sig.is_object() || sig.value("schema", "") != kSignatureSchema || sig.value("algorithm", "") != "Ed25519" ||
          !sig.contains("files") || !sig["files"].is_array() || !sig.contains("signature") || !sig["signature"].is_string() ||
          !sig.contains("public_key") || !sig["public_key"].is_string() || !sig.contains("report_id") ||
          !sig["report_id"].is_string() || !sig.contains("key_fingerprint") || !sig["key_fingerprint"].is_string())
        throw CanonicalJsonError(std::string(kSignatureFile) + ": not a " + kSignatureSchema + " Ed25519 signature");
      const auto signature = strict_base64(sig["signature"].get<std::string>());
      const auto pub = strict_base64(sig["public_key"].get<std::string>());
      v.report_id = sig["report_id"].get<std::string>();
      v.key_fingerprint = sig["key_fingerprint"].get<std::string>();
      Json body = sig;
      body.erase("signature");
      if (!pub || pub->size() != 32) {
        find(kSignatureFile, "public key is not 32 bytes of canonical Base64");
      } else if (key_fingerprint(*pub) != v.key_fingerprint) {
        find(kSignatureFile, "key fingerprint does not match the public key in the file");
      } else if (!signature || !verify_signature(*pub, canonical_json(body), *signature)) {
        find(kSignatureFile, "bad signature: the signed list of files, the report id or the signature itself was changed");
      }
      if (pub && trusted_public_key) {
        if (*pub != *trusted_public_key)
          find(kSignatureFile, "signed by " + v.key_fingerprint + ", not by the expected key " + key_fingerprint(*trusted_public_key));
        else
          v.key_trusted = true;
      }
    } catch (const std::exception& e) {
      find(kSignatureFile, std::string("unreadable: ") + e.what());
    }
  }

  // 2. Every file listed in the signature, as signed; and nothing added.
  if (sig.is_object() && sig.contains("files") && sig["files"].is_array()) {
    std::set<std::string> listed;
    for (const auto& f : sig["files"]) {
      if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("sha256") || !f["sha256"].is_string())
        continue;
      const std::string rel = f["path"].get<std::string>();
      listed.insert(rel);
      if (!present_set.count(rel)) {
        find(rel, "missing (listed in the signature)");
        continue;
      }
      const auto& [digest, size] = digest_of(rel);
      ++v.files_checked;
      if (digest != f["sha256"].get<std::string>())
        find(rel, "sha256 mismatch (signed " + short_hex(f["sha256"].get<std::string>()) + ", found " + short_hex(digest) + ")");
      else if (!f.contains("bytes") || f["bytes"] != size)
        find(rel, "size differs from the signed size");
    }
    for (const auto& rel : present)
      if (!listed.count(rel)) find(rel, "not covered by the signature (added after signing)");
  }

  // 3. report.json: canonical, the same report, its evidence digests match the files.
  if (!present_set.count("report.json")) {
    find("report.json", "missing");
    return v;
  }
  try {
    const Json report = parse_canonical(read_bytes(dir / "report.json"), "report.json");
    if (!v.report_id.empty() && report["report"]["id"] != v.report_id)
      find("report.json", "report id differs from the signed one");
    if (report.contains("evidence") && report["evidence"].is_array()) {
      for (const auto& e : report["evidence"]) {
        if (!e.value("copied", false)) continue;
        const std::string rel = e["path"].get<std::string>();
        if (!present_set.count(rel)) {
          find(rel, "missing (listed in report.json's evidence)");
          continue;
        }
        const std::string& digest = digest_of(rel).first;
        if (digest != e["sha256"].get<std::string>())
          find(rel, "sha256 differs from report.json's evidence digest (" + short_hex(e["sha256"].get<std::string>()) +
                        ", found " + short_hex(digest) + ")");
      }
    }
    if (!report["signing"].is_null() && !v.key_fingerprint.empty() && report["signing"]["key_fingerprint"] != v.key_fingerprint)
      find("report.json", "names a different signing key than the signature file");
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (what.rfind("report.json: ", 0) == 0) what.erase(0, 13);  // the finding names the file already
    find("report.json", what);
  }
  return v;
}

}  // namespace gaterig::report
