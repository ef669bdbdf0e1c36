#include "reports/report/results_document.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace gaterig::report {
namespace {

using Json = nlohmann::json;

// Walks a document, each check naming its JSON path on failure.
class Checker {
 public:
  explicit Checker(std::string what) : what_(std::move(what)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& expected) const {
    throw ResultsError(what_ + ": " + path + ": " + expected);
  }
  const Json& member(const Json& obj, const std::string& path, const char* key) const {
    if (!obj.is_object()) fail(path, "expected an object");
    const auto it = obj.find(key);
    if (it == obj.end()) fail(path + "." + key, "missing (required by gaterig.results/1)");
    return *it;
  }
  const Json& object(const Json& obj, const std::string& path, const char* key) const {
    const auto& v = member(obj, path, key);
    if (!v.is_object()) fail(path + "." + key, "expected an object");
    return v;
  }
  const Json& array(const Json& obj, const std::string& path, const char* key) const {
    const auto& v = member(obj, path, key);
    if (!v.is_array()) fail(path + "." + key, "expected an array");
    return v;
  }
  void string(const Json& obj, const std::string& path, const char* key, bool nullable = false) const {
    const auto& v = member(obj, path, key);
    if (!(v.is_string() || (nullable && v.is_null())))
      fail(path + "." + key, nullable ? "expected a string or null" : "expected a string");
  }
  void number(const Json& obj, const std::string& path, const char* key, bool nullable = false) const {
    const auto& v = member(obj, path, key);
    if (!(v.is_number() || (nullable && v.is_null())))
      fail(path + "." + key, nullable ? "expected a number or null" : "expected a number");
  }
  void boolean(const Json& obj, const std::string& path, const char* key) const {
    if (!member(obj, path, key).is_boolean()) fail(path + "." + key, "expected true or false");
  }
  void one_of(const Json& obj, const std::string& path, const char* key, const std::set<std::string>& allowed) const {
    const auto& v = member(obj, path, key);
    if (!v.is_string() || !allowed.count(v.get<std::string>())) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(path + "." + key, "expected one of " + list + (v.is_string() ? " (got \"" + v.get<std::string>() + "\")" : ""));
    }
  }
  void strings(const Json& obj, const std::string& path, const char* key) const {
    const auto& v = array(obj, path, key);
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!v[i].is_string()) fail(path + "." + key + "[" + std::to_string(i) + "]", "expected a string");
  }

 private:
  std::string what_;
};

const std::set<std::string> kClauseVerdicts{"PASS", "FAIL", "NOT TESTED", "ERROR"};
const std::set<std::string> kMeasurementVerdicts{"PASS", "FAIL", "NOT DEMONSTRABLE", "NOT TESTED"};
const std::set<std::string> kUnits{"%", "ratio", "ms", "s", "count"};
const std::set<std::string> kOps{"<=", "<", ">=", ">"};
const std::set<std::string> kModes{"test", "liveness", "n/a"};

void check_measurement(const Checker& c, const Json& m, const std::string& p) {
  c.string(m, p, "name");
  c.one_of(m, p, "unit", kUnits);
  c.string(m, p, "condition");
  c.number(m, p, "value", true);
  c.number(m, p, "trials");
  c.number(m, p, "errors");
  c.number(m, p, "subjects", true);
  const auto& iv = c.member(m, p, "interval");
  if (!iv.is_null()) {
    if (!iv.is_object()) c.fail(p + ".interval", "expected an object or null");
    c.number(iv, p + ".interval", "low", true);
    c.number(iv, p + ".interval", "high", true);
    c.number(iv, p + ".interval", "confidence");
    c.string(iv, p + ".interval", "method");
  }
  const auto& bs = c.member(m, p, "bootstrap");
  if (!bs.is_null()) {
    if (!bs.is_object()) c.fail(p + ".bootstrap", "expected an object or null");
    c.number(bs, p + ".bootstrap", "low");
    c.number(bs, p + ".bootstrap", "high");
  }
  const auto& th = c.member(m, p, "threshold");
  if (!th.is_null()) {
    if (!th.is_object()) c.fail(p + ".threshold", "expected an object or null");
    c.one_of(th, p + ".threshold", "op", kOps);
    c.number(th, p + ".threshold", "value");
  }
  c.one_of(m, p, "verdict", kMeasurementVerdicts);
  if (m.contains("samples_ms")) {
    const auto& s = c.array(m, p, "samples_ms");
    for (std::size_t i = 0; i < s.size(); ++i)
      if (!s[i].is_number() || s[i].get<double>() < 0)
        c.fail(p + ".samples_ms[" + std::to_string(i) + "]", "expected a latency in ms >= 0");
  }
}

void check_relative_path(const Checker& c, const std::string& path, const std::string& p) {
  const std::filesystem::path rel(path);
  if (path.empty() || rel.is_absolute()) c.fail(p, "expected a path relative to the results file's folder");
  for (const auto& part : rel)
    if (part == "..") c.fail(p, "expected a path inside the results file's folder (no \"..\")");
}

}  // namespace

void validate_results(const Json& doc, const std::string& what) {
  const Checker c(what);
  if (!doc.is_object()) c.fail("$", "expected a JSON object");
  const auto& schema = c.member(doc, "$", "schema");
  if (schema != "gaterig.results/1")
    c.fail("$.schema", "expected \"gaterig.results/1\"" + (schema.is_string() ? " (got \"" + schema.get<std::string>() + "\")" : std::string()));

  const auto& run = c.object(doc, "$", "run");
  for (const char* k : {"id", "started", "ended", "gaterig_version", "command"}) c.string(run, "$.run", k);
  c.boolean(run, "$.run", "quick");
  c.boolean(run, "$.run", "resumed");
  c.number(run, "$.run", "seed");

  const auto& lab = c.object(doc, "$", "lab");
  for (const char* k : {"name", "address", "accreditation"}) c.string(lab, "$.lab", k);

  const auto& rig = c.object(doc, "$", "rig");
  for (const char* k : {"name", "description", "sha256"}) c.string(rig, "$.rig", k);
  c.one_of(rig, "$.rig", "kind", {"sim", "real"});
  const auto& cal = c.object(rig, "$.rig", "calibration");
  c.number(cal, "$.rig.calibration", "panel_latency_ms", true);
  c.string(cal, "$.rig.calibration", "photon_method");
  c.string(cal, "$.rig.calibration", "due", true);

  const auto& std_ = c.object(doc, "$", "standard");
  for (const char* k : {"id", "title", "version", "sha256"}) c.string(std_, "$.standard", k);

  const auto& term = c.object(doc, "$", "terminal");
  for (const char* k : {"vendor", "model", "firmware_version", "firmware_hash", "serial"}) c.string(term, "$.terminal", k);

  const auto& fx = c.object(doc, "$", "fixture_set");
  for (const char* k : {"name", "source", "manifest_sha256"}) c.string(fx, "$.fixture_set", k);
  for (const char* k : {"persons", "impostors", "presentations"}) c.number(fx, "$.fixture_set", k);

  const auto& clauses = c.array(doc, "$", "clauses");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    const std::string p = "$.clauses[" + std::to_string(i) + "]";
    const auto& cl = clauses[i];
    c.string(cl, p, "id");
    if (!ids.insert(cl["id"].get<std::string>()).second) c.fail(p + ".id", "clause id appears twice");
    for (const char* k : {"title", "title_zh", "method", "decision_rule"}) c.string(cl, p, k);
    c.one_of(cl, p, "verdict", kClauseVerdicts);
    c.one_of(cl, p, "terminal_mode", kModes);
    c.strings(cl, p, "deviations");
    c.strings(cl, p, "notes");
    c.string(cl, p, "error", true);
    const auto& ms = c.array(cl, p, "measurements");
    bool failing = false;
    for (std::size_t k = 0; k < ms.size(); ++k) {
      check_measurement(c, ms[k], p + ".measurements[" + std::to_string(k) + "]");
      failing = failing || ms[k]["verdict"] == "FAIL";
    }
    if (cl["verdict"] == "PASS" && failing) c.fail(p + ".verdict", "PASS, but a measurement of the clause is FAIL");
    if (cl["verdict"] == "ERROR" && cl["error"].is_null()) c.fail(p + ".error", "an ERROR clause must say what went wrong");
  }

  const auto& env = c.object(doc, "$", "environment");
  const auto& lux = c.array(env, "$.environment", "lux");
  for (std::size_t i = 0; i < lux.size(); ++i) {
    const std::string p = "$.environment.lux[" + std::to_string(i) + "]";
    c.string(lux[i], p, "condition");
    c.number(lux[i], p, "lux");
    c.string(lux[i], p, "at");
  }
  c.number(env, "$.environment", "temperature_c", true);

  const auto& groups = c.array(doc, "$", "trial_groups");
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string p = "$.trial_groups[" + std::to_string(i) + "]";
    for (const char* k : {"id", "clause", "condition", "plan_sha256"}) c.string(groups[i], p, k);
    c.one_of(groups[i], p, "terminal_mode", kModes);
    c.number(groups[i], p, "trials");
    c.number(groups[i], p, "plan_seed");
  }

  const auto& ev = c.array(doc, "$", "evidence");
  std::set<std::string> paths;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const std::string p = "$.evidence[" + std::to_string(i) + "]";
    for (const char* k : {"path", "sha256", "what"}) c.string(ev[i], p, k);
    c.number(ev[i], p, "bytes");
    check_relative_path(c, ev[i]["path"].get<std::string>(), p + ".path");
    if (!paths.insert(ev[i]["path"].get<std::string>()).second) c.fail(p + ".path", "evidence file listed twice");
    const auto& h = ev[i]["sha256"].get_ref<const std::string&>();
    if (h.size() != 64 || h.find_first_not_of("0123456789abcdef") != std::string::npos)
      c.fail(p + ".sha256", "expected 64 lowercase hex digits");
  }
}

ResultsDocument load_results(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultsError(path.string() + ": cannot open the results file");
  std::ostringstream ss;
  ss << in.rdbuf();
  ResultsDocument r;
  r.path = path;
  r.bytes = ss.str();
  try {
    r.doc = nlohmann::json::parse(r.bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw ResultsError(path.string() + ": not JSON: " + e.what());
  }
  validate_results(r.doc, path.string());
  return r;
}

}  // namespace gaterig::report
