// gaterig report: the certification report (build, keygen, verify, diff, whitelist).
// The work is in reports/report (library gaterig_report); this file maps flags onto it.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "core/crypto.hpp"
#include "reports/report/canonical_json.hpp"
#include "reports/report/ed25519.hpp"
#include "reports/report/report_diff.hpp"
#include "reports/report/report_package.hpp"
#include "reports/report/report_seal.hpp"
#include "reports/report/whitelist.hpp"
#include "rigs/cli/commands.hpp"

namespace gaterig::cli {
namespace {

namespace fs = std::filesystem;
namespace rp = gaterig::report;

struct BuildArgs {
  std::string results, out, key, id, issued, lab, lab_address, accreditation;
  bool include_faces = false;
};

struct VerifyArgs {
  std::string path, pubkey, today;
  bool json = false;
};

struct DiffArgs {
  std::string baseline, candidate, pubkey;
  double alpha = 0.05;
  bool json = false;
};

struct WhitelistArgs {
  std::string dir, key, out, pubkey, issued;
  int valid_days = 0;
};

std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }

int run_build(const BuildArgs& a) {
  rp::ResultsDocument results;
  try {
    results = rp::load_results(a.results);
  } catch (const rp::ResultsError& e) {
    std::cerr << "gaterig report build: " << e.what() << "\n";
    return kUsage;
  }
  std::optional<rp::SigningKey> key;
  if (!a.key.empty()) key = rp::SigningKey::load(a.key);
  rp::BuildOptions o;
  o.report_id = opt(a.id);
  o.issued = opt(a.issued);
  o.lab_name = opt(a.lab);
  o.lab_address = opt(a.lab_address);
  o.lab_accreditation = opt(a.accreditation);
  o.include_faces = a.include_faces;
  nlohmann::json r;
  try {
    r = rp::write_report_package(results, o, a.out, key ? &*key : nullptr);
  } catch (const rp::ResultsError& e) {
    std::cerr << "gaterig report build: " << e.what() << "\n";
    return kUsage;
  } catch (const std::invalid_argument& e) {
    std::cerr << "gaterig report build: " << e.what() << "\n";
    return kUsage;
  }
  const auto& s = r["summary"];
  std::cout << "report " << r["report"]["id"].get<std::string>() << ": " << s["verdict"].get<std::string>() << " — "
            << s["statement"]["en"].get<std::string>() << "\n"
            << "  " << (fs::path(a.out) / "report.json").string() << "\n"
            << "  " << (fs::path(a.out) / "report.html").string() << "\n"
            << "  " << (fs::path(a.out) / "report.pdf").string() << "\n";
  if (key)
    std::cout << "  " << (fs::path(a.out) / rp::kSignatureFile).string() << " (Ed25519, "
              << rp::key_fingerprint(key->public_key()) << ")\n";
  else
    std::cout << "  unsigned (no --key): `gaterig report verify` will report it as unsigned\n";
  return kOk;
}

int run_keygen(const std::string& out) {
  const auto key = rp::SigningKey::generate();
  try {
    key.save(out);
  } catch (const rp::KeyError& e) {
    std::cerr << "gaterig report keygen: " << e.what() << "\n";
    return kUsage;
  }
  std::cout << "private key " << out << " (mode 0600: keep it on the lab's signing machine)\n"
            << "public key  " << out << ".pub (give it to whoever verifies)\n"
            << "fingerprint " << rp::key_fingerprint(key.public_key()) << "\n";
  return kOk;
}

int run_verify(const VerifyArgs& a) {
  if (!fs::exists(a.path)) {
    std::cerr << "gaterig report verify: " << a.path << ": no such report folder or whitelist entry\n";
    return kUsage;
  }
  std::optional<std::string> trusted;
  if (!a.pubkey.empty()) trusted = rp::load_public_key(a.pubkey);
  rp::Verification v;
  std::string what;
  if (fs::is_directory(a.path)) {
    v = rp::verify_report(a.path, trusted);
    what = "report";
  } else {
    v = rp::verify_whitelist_entry(rp::read_bytes(a.path), trusted, a.today.empty() ? rp::now_iso_china().substr(0, 10) : a.today);
    what = "whitelist entry";
  }
  if (a.json) {
    nlohmann::json f = nlohmann::json::array();
    for (const auto& x : v.findings) f.push_back({{"file", x.file}, {"what", x.what}});
    std::cout << nlohmann::json{{"schema", "gaterig.report-verification/1"}, {"kind", what}, {"ok", v.ok()},
                                {"report_id", v.report_id}, {"key_fingerprint", v.key_fingerprint},
                                {"key_trusted", v.key_trusted}, {"files_checked", v.files_checked}, {"findings", f}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << what << " " << a.path << ": " << v;
  }
  return v.ok() ? kOk : kFail;
}

int run_diff(const DiffArgs& a) {
  nlohmann::json base, cand;
  std::optional<std::string> trusted;
  if (!a.pubkey.empty()) trusted = rp::load_public_key(a.pubkey);
  for (const auto& [path, into] : {std::pair{a.baseline, &base}, std::pair{a.candidate, &cand}}) {
    try {
      *into = rp::load_report(path);
    } catch (const std::exception& e) {
      std::cerr << "gaterig report diff: " << e.what() << "\n";
      return kUsage;
    }
    const fs::path dir = fs::is_directory(path) ? fs::path(path) : fs::path(path).parent_path();
    if (fs::exists(dir / rp::kSignatureFile) || trusted) {
      const auto v = rp::verify_report(dir, trusted);
      if (!v.ok()) {
        std::cerr << "gaterig report diff: " << path << " does not verify; refusing to compare an altered report\n" << v;
        return kUsage;
      }
    } else {
      std::cerr << "gaterig report diff: note: " << path << " is unsigned\n";
    }
  }
  rp::DiffOptions o;
  o.alpha = a.alpha;
  const auto d = rp::diff_reports(base, cand, o);
  if (a.json) std::cout << d.to_json().dump(2) << "\n";
  else std::cout << d.to_text();
  return d.worse() ? kFail : kOk;
}

int run_whitelist(const WhitelistArgs& a) {
  std::optional<std::string> trusted;
  if (!a.pubkey.empty()) trusted = rp::load_public_key(a.pubkey);
  const auto v = rp::verify_report(a.dir, trusted);
  if (!v.ok()) {
    std::cerr << "gaterig report whitelist: the report does not verify; no entry issued\n" << v;
    return kFail;
  }
  const auto report = rp::load_report(a.dir);
  const auto verdict = report["summary"]["verdict"].get<std::string>();
  if (verdict != "PASS") {
    std::cerr << "gaterig report whitelist: the report's result is " << verdict << " (clauses failed: "
              << report["summary"]["clauses_failed"].dump() << ", rig errors: " << report["summary"]["clauses_error"].dump()
              << "); a whitelist entry needs PASS\n";
    return kFail;
  }
  const auto key = rp::SigningKey::load(a.key);
  const std::string issued = a.issued.empty() ? rp::now_iso_china().substr(0, 10) : a.issued;
  const auto entry = rp::make_whitelist_entry(report, crypto::sha256_hex(rp::read_bytes(fs::path(a.dir) / "report.json")), key,
                                              a.valid_days, issued);
  const std::string text = rp::canonical_json(entry) + "\n";
  if (a.out.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      std::cerr << "gaterig report whitelist: " << a.out << ": cannot write\n";
      return kRigError;
    }
    std::cerr << "whitelist entry for " << entry["model"].get<std::string>() << " firmware "
              << entry["firmware_version"].get<std::string>() << ", valid until " << entry["valid_until"].get<std::string>()
              << ": " << a.out << "\n";
  }
  return kOk;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto* report = app.add_subcommand("report", "Certification report: build, sign, verify, compare, whitelist entry");
  report->require_subcommand(1);

  auto build = std::make_shared<BuildArgs>();
  auto* b = report->add_subcommand("build", "Build report.json/.html/.pdf (+ signature) from a results document");
  b->add_option("--results", build->results, "results.json of a certification run (gaterig.results/1)")->required()->check(CLI::ExistingFile);
  b->add_option("--out", build->out, "report folder to create (must not exist or be empty)")->required();
  b->add_option("--key", build->key, "lab signing key (Ed25519 PEM from `gaterig report keygen`); without it the report is unsigned")
      ->check(CLI::ExistingFile);
  b->add_option("--id", build->id, "report number (default GR-<date>-<digest>)");
  b->add_option("--issued", build->issued, "issue time, ISO 8601 with offset (default now, +08:00)");
  b->add_option("--lab", build->lab, "laboratory name (default: the results document's)");
  b->add_option("--lab-address", build->lab_address, "laboratory address");
  b->add_option("--accreditation", build->accreditation, "laboratory accreditation");
  b->add_flag("--include-faces", build->include_faces, "copy face images listed as evidence (personal data; off by default)");
  b->callback([build, &exit_code] { exit_code = run_build(*build); });

  auto keyout = std::make_shared<std::string>();
  auto* k = report->add_subcommand("keygen", "Create a lab signing key (Ed25519, PEM, mode 0600) and <file>.pub");
  k->add_option("--out", *keyout, "private key file to create (never overwritten)")->required();
  k->callback([keyout, &exit_code] { exit_code = run_keygen(*keyout); });

  auto verify = std::make_shared<VerifyArgs>();
  auto* v = report->add_subcommand("verify", "Check a report folder (or a whitelist entry): exit 0 intact, 1 altered");
  v->add_option("path", verify->path, "report folder, or a whitelist entry file")->required();
  v->add_option("--pubkey", verify->pubkey, "the lab's public key (.pub): also check who signed")->check(CLI::ExistingFile);
  v->add_option("--today", verify->today, "date for a whitelist entry's validity (yyyy-MM-dd, default today)");
  v->add_flag("--json", verify->json, "machine-readable result");
  v->callback([verify, &exit_code] { exit_code = run_verify(*verify); });

  auto diff = std::make_shared<DiffArgs>();
  auto* d = report->add_subcommand("diff", "Compare a report against a baseline: exit 0 not worse, 1 worse, 2 usage");
  d->add_option("baseline", diff->baseline, "baseline report folder (the certified one)")->required();
  d->add_option("new", diff->candidate, "report folder to audit")->required();
  d->add_option("--pubkey", diff->pubkey, "public key both reports must be signed with")->check(CLI::ExistingFile);
  d->add_option("--alpha", diff->alpha, "family-wise significance level (one-sided, Holm-Bonferroni)")->check(CLI::Range(1e-6, 0.5));
  d->add_flag("--json", diff->json, "machine-readable result (gaterig.report-diff/1)");
  d->callback([diff, &exit_code] { exit_code = run_diff(*diff); });

  auto wl = std::make_shared<WhitelistArgs>();
  auto* w = report->add_subcommand("whitelist", "Issue a signed whitelist entry for a verified, passing report");
  w->add_option("dir", wl->dir, "report folder")->required()->check(CLI::ExistingDirectory);
  w->add_option("--valid-days", wl->valid_days, "days the admission is valid")->required()->check(CLI::Range(1, 36500));
  w->add_option("--key", wl->key, "signing key of the issuer (Ed25519 PEM)")->required()->check(CLI::ExistingFile);
  w->add_option("--pubkey", wl->pubkey, "public key the report must be signed with")->check(CLI::ExistingFile);
  w->add_option("--out", wl->out, "entry file to write (default: stdout)");
  w->add_option("--issued", wl->issued, "issue date yyyy-MM-dd (default today)");
  w->callback([wl, &exit_code] { exit_code = run_whitelist(*wl); });
}

}  // namespace gaterig::cli
