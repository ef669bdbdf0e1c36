#include "reports/report/report_model.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/resident_id.hpp"
#include "reports/report/canonical_json.hpp"
#include "reports/statistics/latency.hpp"

namespace gaterig::report {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ResultsError(p.string(), "", "cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw ResultsError(p.string(), "", "cannot write");
}

// Masks every string in a value, keys included (an ID number must not survive anywhere).
Json masked(const Json& v) {
  if (v.is_string()) return mask_ids_in(v.get<std::string>());
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& e : v) out.push_back(masked(e));
    return out;
  }
  if (v.is_object()) {
    Json out = Json::object();
    for (const auto& [k, e] : v.items()) out[mask_ids_in(k)] = masked(e);
    return out;
  }
  return v;
}

bool is_face_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".pgm" || ext == ".ppm" ||
         ext == ".webp";
}

double ms3(double ms) { return std::round(ms * 1000.0) / 1000.0; }  // to the microsecond
double ns_to_ms(double ns) { return ms3(ns / 1e6); }

// The distribution of a latency measurement: summary, histogram and CDF for the plots, in ms.
Json distribution(const Json& samples_ms) {
  std::vector<std::int64_t> ns;
  ns.reserve(samples_ms.size());
  for (const auto& s : samples_ms) ns.push_back(static_cast<std::int64_t>(std::llround(s.get<double>() * 1e6)));
  if (ns.empty()) return nullptr;
  const auto sum = statistics::summarize_latency(ns, 0.95);
  Json d = {{"count", sum.count},       {"min_ms", ns_to_ms(sum.min)},        {"max_ms", ns_to_ms(sum.max)},
            {"mean_ms", ns_to_ms(sum.mean)}, {"p50_ms", ns_to_ms(sum.p50.value)}, {"p90_ms", ns_to_ms(sum.p90.value)},
            {"p95_ms", ns_to_ms(sum.p95.value)}, {"p99_ms", ns_to_ms(sum.p99.value)}};
  const auto h = statistics::histogram(ns, 20);
  Json edges = Json::array(), counts = Json::array();
  for (auto e : h.edges) edges.push_back(ns_to_ms(static_cast<double>(e)));
  for (auto c : h.counts) counts.push_back(c);
  d["histogram"] = {{"edges_ms", edges}, {"counts", counts}};
  Json cdf = Json::array();
  for (const auto& p : statistics::empirical_cdf(ns, 200))
    cdf.push_back(Json::array({ns_to_ms(static_cast<double>(p.value)), std::round(p.cumulative * 1e6) / 1e6}));
  d["cdf"] = cdf;
  return d;
}

std::string date_of(const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) : iso; }

Json summary_of(const Json& clauses) {
  std::map<std::string, Json> by = {{"PASS", Json::array()}, {"FAIL", Json::array()},
                                    {"NOT TESTED", Json::array()}, {"ERROR", Json::array()}};
  for (const auto& c : clauses) by[c["verdict"].get<std::string>()].push_back(c["id"]);
  std::string overall;
  std::string statement_en, statement_zh;
  const auto n = [&](const char* v) { return by[v].size(); };
  const auto ids = [&](const char* v) {
    std::string out;
    for (const auto& id : by[v]) out += (out.empty() ? "" : ", ") + id.get<std::string>();
    return out;
  };
  if (n("FAIL")) {
    overall = "FAIL";
    statement_en = "The terminal does not conform: " + std::to_string(n("FAIL")) + " clause(s) failed (" + ids("FAIL") + ").";
    statement_zh = "该终端不符合标准要求：" + std::to_string(n("FAIL")) + " 项条款不符合（" + ids("FAIL") + "）。";
    if (n("ERROR")) {
      statement_en += " " + std::to_string(n("ERROR")) + " clause(s) could not be completed by the rig (" + ids("ERROR") + ").";
      statement_zh += "另有 " + std::to_string(n("ERROR")) + " 项条款因检测系统异常未完成（" + ids("ERROR") + "）。";
    }
  } else if (n("ERROR")) {
    overall = "ERROR";
    statement_en = "No conformity statement for the whole standard: the rig could not complete " +
                   std::to_string(n("ERROR")) + " clause(s) (" + ids("ERROR") + "; a rig error, not a device failure).";
    statement_zh = "无法对全部条款作出结论：" + std::to_string(n("ERROR")) + " 项条款因检测系统异常未完成（" + ids("ERROR") +
                   "；非设备不合格）。";
  } else if (n("PASS")) {
    overall = "PASS";
    statement_en = "The terminal conforms to every clause tested (" + std::to_string(n("PASS")) + ")" +
                   (n("NOT TESTED") ? "; " + std::to_string(n("NOT TESTED")) + " clause(s) were not tested and are not covered by this report." : ".");
    statement_zh = "该终端符合所检测的全部 " + std::to_string(n("PASS")) + " 项条款" +
                   (n("NOT TESTED") ? "；另有 " + std::to_string(n("NOT TESTED")) + " 项条款未检测，不在本报告结论范围内。" : "。");
  } else {
    overall = "NOT TESTED";
    statement_en = "No clause was tested.";
    statement_zh = "未检测任何条款。";
  }
  Json counts = Json::object();
  for (const auto& [k, v] : by) counts[k] = v.size();
  return {{"verdict", overall},
          {"counts", counts},
          {"clauses_passed", by["PASS"]},
          {"clauses_failed", by["FAIL"]},
          {"clauses_error", by["ERROR"]},
          {"clauses_not_tested", by["NOT TESTED"]},
          {"statement", {{"en", statement_en}, {"zh", statement_zh}}}};
}

Json report_deviations(const Json& r, bool signed_report) {
  Json d = Json::array();
  const auto& run = r["run"];
  if (run["quick"].get<bool>())
    d.push_back("Quick run: trial counts are below the standard's plan; verdicts may be NOT DEMONSTRABLE.");
  if (run["resumed"].get<bool>())
    d.push_back("The run was interrupted and resumed; completed trials of the same plan were kept.");
  if (r["rig"]["kind"] == "sim")
    d.push_back("Simulated rig and simulated terminal: this report certifies no hardware.");
  const auto& cal = r["rig"]["calibration"];
  if (cal["photon_method"] != "photodiode")
    d.push_back("Photon time by " + cal["photon_method"].get<std::string>() +
                " (no photodiode): latencies include a calibrated panel latency of " +
                (cal["panel_latency_ms"].is_number() ? canonical_number(cal["panel_latency_ms"].get<double>()) : "unknown") +
                " ms.");
  if (cal["due"].is_string() && cal["due"].get<std::string>() < date_of(run["ended"].get<std::string>()))
    d.push_back("The rig's calibration was overdue at the time of the run (due " + cal["due"].get<std::string>() + ").");
  if (!signed_report) d.push_back("The report is not signed: its integrity cannot be verified.");
  return d;
}

}  // namespace

std::string now_iso_china() {
  return format_civil(wall_now(), UtcOffset::china(), "yyyy-MM-dd") + "T" +
         format_civil(wall_now(), UtcOffset::china(), "HH:mm:ss") + "+08:00";
}

Json build_report(const ResultsDocument& results, const BuildOptions& options, const fs::path& out_dir) {
  const Json src = masked(results.doc);
  const std::string issued = options.issued.value_or(now_iso_china());
  // A report cannot be issued before its tests ended (same offset: the strings compare as times).
  const std::string& ended = results.typed.run.ended;
  if (issued.size() == ended.size() && issued.substr(19) == ended.substr(19) && issued < ended)
    throw ResultsError(results.path.string(), "run.ended", "the issue time " + issued + " is before the run ended (" + ended + ")");
  const std::string id =
      options.report_id.value_or("GR-" + date_of(issued).substr(0, 4) + date_of(issued).substr(5, 2) +
                                 date_of(issued).substr(8, 2) + "-" +
                                 crypto::sha256_hex(results.bytes + "\n" + issued).substr(0, 8));

  // Evidence: check against the results' digests, copy (masked text, faces withheld).
  Json evidence = Json::array();
  std::uint64_t masked_files = 0;
  const fs::path ev_dir = out_dir / "evidence";
  fs::create_directories(ev_dir);
  auto add_copy = [&](const std::string& rel, const std::string& source_bytes, const std::string& what) {
    const std::string copy = mask_ids_in(source_bytes);
    write_file(ev_dir / rel, copy);
    Json e = {{"path", "evidence/" + rel}, {"sha256", crypto::sha256_hex(copy)}, {"bytes", copy.size()},
              {"what", what},       {"copied", true},                       {"withheld", nullptr},
              {"source_sha256", crypto::sha256_hex(source_bytes)}, {"ids_masked_on_copy", copy != source_bytes}};
    if (copy != source_bytes) ++masked_files;
    evidence.push_back(e);
  };
  add_copy("results.json", results.bytes, "the certification run's results document (gaterig.results/1)");
  for (std::size_t i = 0; i < results.typed.evidence.size(); ++i) {
    const auto& e = results.typed.evidence[i];
    const std::string& rel = e.path;
    const std::string where = "evidence[" + std::to_string(i) + "]";
    const fs::path file = results.folder() / rel;
    if (!fs::exists(file))
      throw ResultsError(results.path.string(), where + ".path", "evidence file " + file.string() + " is missing");
    const std::string bytes = read_file(file);
    const std::string digest = crypto::sha256_hex(bytes);
    if (digest != e.sha256)
      throw ResultsError(results.path.string(), where + ".sha256", "evidence file " + file.string() +
                         " does not match its digest (results: " + e.sha256 + ", file: " + digest + ")");
    if (is_face_image(file) && !options.include_faces) {
      evidence.push_back({{"path", "evidence/" + rel}, {"sha256", digest}, {"bytes", bytes.size()},
                          {"what", mask_ids_in(e.what)}, {"copied", false},
                          {"withheld", "face image (personal data): digest only; build with --include-faces to copy"},
                          {"source_sha256", digest}, {"ids_masked_on_copy", false}});
      continue;
    }
    if (is_face_image(file)) {  // binary: copied as is
      write_file(ev_dir / rel, bytes);
      evidence.push_back({{"path", "evidence/" + rel}, {"sha256", digest}, {"bytes", bytes.size()},
                          {"what", mask_ids_in(e.what)}, {"copied", true}, {"withheld", nullptr},
                          {"source_sha256", digest}, {"ids_masked_on_copy", false}});
      continue;
    }
    add_copy(rel, bytes, mask_ids_in(e.what));
  }

  // Clauses, with the latency distributions the plots need and the trial groups of each.
  Json clauses = Json::array();
  for (const auto& c : src["clauses"]) {
    Json cl = c;
    for (auto& m : cl["measurements"])
      m["distribution"] = m.contains("samples_ms") ? distribution(m["samples_ms"]) : Json(nullptr);
    Json groups = Json::array();
    for (const auto& g : src["trial_groups"])
      if (g["clause"] == c["id"]) groups.push_back(g);
    cl["trial_groups"] = groups;
    clauses.push_back(cl);
  }

  Json lab = src["lab"];
  if (options.lab_name) lab["name"] = *options.lab_name;
  if (options.lab_address) lab["address"] = *options.lab_address;
  if (options.lab_accreditation) lab["accreditation"] = *options.lab_accreditation;

  Json r = {{"schema", kReportSchema},
            {"report", {{"id", id}, {"issued", issued}, {"generator", options.generator}, {"languages", {"zh", "en"}}}},
            {"lab", lab},
            {"rig", src["rig"]},
            {"terminal", src["terminal"]},
            {"standard", src["standard"]},
            {"run", src["run"]},
            {"dates", {{"tested_from", src["run"]["started"]}, {"tested_to", src["run"]["ended"]}, {"issued", issued}}},
            {"fixture_set", src["fixture_set"]},
            {"environment", src["environment"]},
            {"trial_groups", src["trial_groups"]},
            {"clauses", clauses},
            {"evidence", evidence},
            {"privacy",
             {{"id_numbers", "已遮蔽 masked (GB 11643 numbers shown as their first 3 and last 4 characters)"},
              {"faces", options.include_faces ? "应要求复制为证据 copied as evidence on request"
                                              : "未嵌入、未复制 not embedded, not copied"},
              {"evidence_files_masked_on_copy", masked_files}}},
            {"signing", options.key_fingerprint
                            ? Json{{"algorithm", "Ed25519"}, {"key_fingerprint", *options.key_fingerprint},
                                   {"signature_file", "report.sig.json"}}
                            : Json(nullptr)}};
  if (!r["terminal"].contains("profile")) r["terminal"]["profile"] = nullptr;
  r["summary"] = summary_of(clauses);
  r["deviations"] = report_deviations(r, options.key_fingerprint.has_value());
  return r;
}

}  // namespace gaterig::report
