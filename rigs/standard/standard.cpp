#include "rigs/standard/standard.hpp"

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/config.hpp"
#include "core/crypto.hpp"
#include "reports/statistics/trial_planner.hpp"

namespace gaterig::standard {

namespace stats = gaterig::statistics;

std::string to_string(MeasurementKind k) {
  switch (k) {
    case MeasurementKind::rate: return "rate";
    case MeasurementKind::latency: return "latency";
    case MeasurementKind::rate_comparison: return "rate_comparison";
    case MeasurementKind::latency_comparison: return "latency_comparison";
    case MeasurementKind::count: return "count";
    case MeasurementKind::manual: return "manual";
  }
  return "?";
}

std::optional<MeasurementKind> parse_measurement_kind(std::string_view s) {
  for (auto k : {MeasurementKind::rate, MeasurementKind::latency, MeasurementKind::rate_comparison,
                 MeasurementKind::latency_comparison, MeasurementKind::count, MeasurementKind::manual})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::string to_string(ClauseStatus s) {
  switch (s) {
    case ClauseStatus::automatable: return "automatable";
    case ClauseStatus::optional: return "optional";
    case ClauseStatus::manual: return "manual";
    case ClauseStatus::out_of_scope: return "out_of_scope";
  }
  return "?";
}

std::optional<ClauseStatus> parse_clause_status(std::string_view s) {
  for (auto c : {ClauseStatus::automatable, ClauseStatus::optional, ClauseStatus::manual, ClauseStatus::out_of_scope})
    if (to_string(c) == s) return c;
  return std::nullopt;
}

namespace {
std::string number(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}
}  // namespace

std::string describe(const Threshold& t, std::string_view unit) {
  std::string out = stats::symbol(t.op) + " ";
  if (unit == "ratio") return out + number(t.value * 100.0) + " %";
  if (unit == "count") return out + number(t.value);
  return out + number(t.value) + " " + std::string(unit);
}

std::string MeasurementSpec::label() const {
  return condition.empty() ? name : name + " [" + condition + "]";
}

const MeasurementSpec* Clause::find_exact(std::string_view n, std::string_view c) const {
  for (const auto& m : measurements)
    if (m.name == n && m.condition == c) return &m;
  return nullptr;
}

const MeasurementSpec* Clause::find(std::string_view n, std::string_view c) const {
  if (const auto* exact = find_exact(n, c)) return exact;
  // Otherwise the only measurement of that name, when the recording names no condition or the
  // declaration has none (a condition the declaration does not distinguish is just a label).
  const MeasurementSpec* only = nullptr;
  for (const auto& m : measurements) {
    if (m.name != n) continue;
    if (only) return nullptr;
    only = &m;
  }
  if (only && (c.empty() || only->condition.empty())) return only;
  return nullptr;
}

std::vector<const MeasurementSpec*> Clause::required_measurements() const {
  std::vector<const MeasurementSpec*> out;
  for (const auto& m : measurements)
    if (m.required) out.push_back(&m);
  return out;
}

const Clause* Standard::find(std::string_view clause_id) const {
  for (const auto& c : clauses)
    if (c.id == clause_id) return &c;
  return nullptr;
}

const Clause& Standard::at(std::string_view clause_id) const {
  if (const auto* c = find(clause_id)) return *c;
  throw std::out_of_range("standard " + id + " has no clause '" + std::string(clause_id) + "'");
}

namespace {

// Probes a parameter's TOML type through the typed getters (Config keeps toml++ private).
Json parameter_value(const Config& t, const std::string& key) {
  try { return t.get_int(key); } catch (const ConfigError&) {}
  try { return t.get_double(key); } catch (const ConfigError&) {}
  try { return t.get_bool(key); } catch (const ConfigError&) {}
  try { return t.get_string(key); } catch (const ConfigError&) {}
  t.fail(key, "expected a number, a boolean or a string");
}

Threshold load_threshold(const Config& m) {
  const Config t = m.table("threshold");
  t.reject_unknown({"op", "value"});
  Threshold out;
  try {
    out.op = stats::parse_relation(t.get_string("op"));
  } catch (const std::invalid_argument&) {
    t.fail("op", "expected one of <=, <, >=, >, found \"" + t.get_string("op") + "\"");
  }
  out.value = t.get_double("value");
  return out;
}

PlannedTrials load_planned(const Config& m) {
  const Config p = m.table("planned");
  p.reject_unknown({"full", "quick", "errors", "persons"});
  auto non_negative = [&](const char* key, std::int64_t fallback) -> std::uint64_t {
    const std::int64_t v = p.has(key) ? p.get_int(key) : fallback;
    if (v < 0) p.fail(key, "expected a count >= 0, found " + std::to_string(v));
    return static_cast<std::uint64_t>(v);
  };
  PlannedTrials out;
  out.full = non_negative("full", -1);
  if (out.full == 0) p.fail("full", "expected at least 1 planned trial");
  out.quick = non_negative("quick", static_cast<std::int64_t>(out.full));
  if (out.quick > out.full)
    p.fail("quick", "a quick run plans fewer trials than a full one (" + std::to_string(out.full) + ")");
  out.errors = non_negative("errors", 0);
  if (p.has("persons")) out.persons = non_negative("persons", 0);
  return out;
}

struct KindRules {
  const char* unit;
  std::vector<std::string> rules;
};

KindRules rules_for(MeasurementKind k) {
  switch (k) {
    case MeasurementKind::rate: return {"ratio", {"guarded", "simple"}};
    case MeasurementKind::latency: return {"ms", {"quantile_bound", "quantile_point", "all_samples"}};
    case MeasurementKind::rate_comparison: return {"ratio", {"non_inferiority"}};
    case MeasurementKind::latency_comparison: return {"ms", {"non_inferiority"}};
    case MeasurementKind::count: return {"count", {"exact"}};
    case MeasurementKind::manual: return {"count", {"manual"}};  // 1 = conforming, 0 = not
  }
  return {"", {}};
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// A plan that could never PASS is a profile error, caught when the profile loads rather than
// after hours of trials.
void check_plan(const Config& m, const MeasurementSpec& spec, const std::string& clause_id) {
  const auto& p = spec.planned;
  if (spec.kind == MeasurementKind::rate && spec.rule == "guarded") {
    stats::RateClause rc;
    rc.name = spec.name;
    rc.clause_id = clause_id;
    rc.relation = spec.threshold.op;
    rc.threshold = spec.threshold.value;
    rc.confidence = spec.confidence;
    std::uint64_t need = 0;
    try {
      need = stats::minimum_trials(rc, p.errors);
    } catch (const std::invalid_argument& e) {
      m.fail("threshold", std::string("no number of trials can pass it: ") + e.what());
    }
    if (p.full < need)
      m.fail("planned", "full = " + std::to_string(p.full) + " trials cannot PASS with " +
                            std::to_string(p.errors) + " error(s); the planner needs " + std::to_string(need));
  }
  if (spec.kind == MeasurementKind::latency && spec.rule == "quantile_bound") {
    const auto need = stats::minimum_samples_for_upper_bound(spec.quantile, spec.confidence);
    if (p.full < need)
      m.fail("planned", "full = " + std::to_string(p.full) + " samples give no upper bound of p" +
                            number(spec.quantile * 100) + "; at least " + std::to_string(need) + " are needed");
  }
  if (spec.kind == MeasurementKind::count && !stats::limits_from_above(spec.threshold.op) &&
      static_cast<double>(p.full) < spec.threshold.value)
    m.fail("planned", "full = " + std::to_string(p.full) + " cannot reach the threshold " + number(spec.threshold.value));
}

MeasurementSpec load_measurement(const Config& m, const Standard& s, const std::string& clause_id) {
  m.reject_unknown({"name", "title", "kind", "unit", "condition", "baseline", "events", "out_of", "threshold",
                    "quick_threshold", "rule", "decision_rule", "confidence", "quantile", "planned", "required",
                    "not_tested_reason"});
  MeasurementSpec spec;
  spec.clause_id = clause_id;
  spec.name = m.get_string("name");
  if (spec.name.empty()) m.fail("name", "expected a measurement name");
  spec.title = m.get_string("title", spec.name);
  const auto kind_text = m.get_string("kind");
  const auto kind = parse_measurement_kind(kind_text);
  if (!kind)
    m.fail("kind", "expected rate, latency, rate_comparison, latency_comparison, count or manual, found \"" +
                       kind_text + "\"");
  spec.kind = *kind;
  const KindRules kr = rules_for(spec.kind);
  spec.unit = m.get_string("unit");
  if (spec.unit != kr.unit)
    m.fail("unit", "a " + kind_text + " measurement is in \"" + kr.unit + "\", found \"" + spec.unit + "\"");
  spec.condition = m.get_string("condition", "");
  spec.baseline = m.get_string("baseline", "");
  const bool comparison = spec.kind == MeasurementKind::rate_comparison || spec.kind == MeasurementKind::latency_comparison;
  if (comparison && spec.baseline.empty()) m.fail("baseline", "missing; a comparison needs its baseline condition");
  if (!comparison && !spec.baseline.empty()) m.fail("baseline", "only comparisons have a baseline");
  if (comparison && spec.condition.empty()) m.fail("condition", "missing; a comparison needs its condition");
  spec.events = m.get_string("events");
  spec.out_of = m.get_string("out_of");
  spec.threshold = load_threshold(m);
  if (m.has("quick_threshold")) {
    if (spec.kind != MeasurementKind::count) m.fail("quick_threshold", "only counts have a quick threshold");
    spec.quick_threshold = m.get_double("quick_threshold");
  }
  spec.rule = m.get_string("rule");
  bool known_rule = false;
  for (const auto& r : kr.rules) known_rule = known_rule || r == spec.rule;
  if (!known_rule)
    m.fail("rule", "a " + kind_text + " measurement is decided by " + joined(kr.rules) + ", found \"" + spec.rule + "\"");
  spec.decision_rule = m.get_string("decision_rule");
  spec.confidence = m.get_double("confidence", s.confidence);
  if (!(spec.confidence > 0.0 && spec.confidence < 1.0)) m.fail("confidence", "expected a level in (0, 1)");
  spec.quantile = m.get_double("quantile", 0.95);
  if (!(spec.quantile > 0.0 && spec.quantile < 1.0)) m.fail("quantile", "expected a quantile in (0, 1)");
  if (m.has("quantile") && spec.kind != MeasurementKind::latency) m.fail("quantile", "only latencies have a quantile");
  spec.planned = load_planned(m);
  spec.required = m.get_bool("required", true);
  spec.not_tested_reason = m.get_string("not_tested_reason", "");
  if (!spec.required && spec.not_tested_reason.empty())
    m.fail("not_tested_reason", "missing; an optional measurement says why it may go untested");

  const double v = spec.threshold.value;
  switch (spec.kind) {
    case MeasurementKind::rate:
      if (v < 0.0 || v > 1.0) m.fail("threshold", "a rate threshold is a fraction in [0, 1] (1 % is 0.01)");
      break;
    case MeasurementKind::rate_comparison:
      if (v < -1.0 || v > 1.0) m.fail("threshold", "a difference of rates is a fraction in [-1, 1]");
      if (!(spec.threshold.op == stats::Relation::at_least && v <= 0.0) &&
          !(spec.threshold.op == stats::Relation::at_most && v >= 0.0))
        m.fail("threshold", "a non-inferiority margin is \">=\" a difference <= 0 (higher is better) or \"<=\" one >= 0");
      break;
    case MeasurementKind::latency:
      if (spec.threshold.op != stats::Relation::at_most || v <= 0.0)
        m.fail("threshold", "a time limit is \"<=\" a positive number of ms");
      break;
    case MeasurementKind::latency_comparison:
      if (spec.threshold.op != stats::Relation::at_most || v < 0.0)
        m.fail("threshold", "a slowdown margin is \"<=\" a number of ms >= 0");
      break;
    case MeasurementKind::count:
    case MeasurementKind::manual:
      if (v < 0.0) m.fail("threshold", "a count is >= 0");
      break;
  }
  check_plan(m, spec, clause_id);
  return spec;
}

Clause load_clause(const Config& c, const Standard& s) {
  c.reject_unknown({"id", "title", "title_zh", "requirement", "requirement_zh", "status", "terminal_mode", "conditions",
                    "method", "parameters", "not_tested_reason", "measurement"});
  Clause clause;
  clause.id = c.get_string("id");
  if (clause.id.empty()) c.fail("id", "expected a clause id such as \"JX-A.2\"");
  clause.title = c.get_string("title");
  clause.title_zh = c.get_string("title_zh");
  clause.requirement = c.get_string("requirement");
  clause.requirement_zh = c.get_string("requirement_zh");
  const auto status_text = c.get_string("status");
  const auto status = parse_clause_status(status_text);
  if (!status) c.fail("status", "expected automatable, optional, manual or out_of_scope, found \"" + status_text + "\"");
  clause.status = *status;
  clause.terminal_mode = c.get_string("terminal_mode");
  if (clause.terminal_mode != "test" && clause.terminal_mode != "liveness" && clause.terminal_mode != "n/a")
    c.fail("terminal_mode", "expected test, liveness or n/a, found \"" + clause.terminal_mode + "\"");
  if (c.has("conditions")) clause.conditions = c.get_strings("conditions");
  clause.method = c.get_string("method");
  clause.not_tested_reason = c.get_string("not_tested_reason", "");
  if (clause.status != ClauseStatus::automatable && clause.not_tested_reason.empty())
    c.fail("not_tested_reason", "missing; a " + status_text + " clause says why the rig does not test it");
  if (auto p = c.find_table("parameters")) {
    for (const auto& key : p->keys()) clause.parameters[key] = parameter_value(*p, key);
  }
  for (const auto& m : c.tables("measurement")) {
    auto spec = load_measurement(m, s, clause.id);
    if (clause.find_exact(spec.name, spec.condition))
      m.fail("name", "measurement " + spec.label() + " is declared twice in " + clause.id);
    clause.measurements.push_back(std::move(spec));
  }
  if (clause.status == ClauseStatus::automatable && clause.measurements.empty())
    c.fail("measurement", "an automatable clause declares at least one measurement");
  if (clause.status == ClauseStatus::automatable && clause.required_measurements().empty())
    c.fail("measurement", "an automatable clause has at least one required measurement");
  return clause;
}

Standard load_document(const Config& root, std::string sha256, std::filesystem::path path) {
  root.reject_unknown({"standard", "clause"});
  const Config t = root.table("standard");
  t.reject_unknown({"id", "title", "title_zh", "version", "source", "confidence", "decision_rule", "quick_rule"});
  Standard s;
  s.path = std::move(path);
  s.sha256 = std::move(sha256);
  s.id = t.get_string("id");
  s.title = t.get_string("title");
  s.title_zh = t.get_string("title_zh");
  s.version = t.get_string("version");
  s.source = t.get_string("source", "");
  s.confidence = t.get_double("confidence", 0.95);
  if (!(s.confidence > 0.0 && s.confidence < 1.0)) t.fail("confidence", "expected a level in (0, 1)");
  s.decision_rule = t.get_string("decision_rule", "guarded");
  s.quick_rule = t.get_string("quick_rule", "simple");
  for (const char* key : {"decision_rule", "quick_rule"}) {
    const auto v = t.get_string(key, "guarded");
    if (v != "guarded" && v != "simple") t.fail(key, "expected guarded or simple, found \"" + v + "\"");
  }
  std::set<std::string> ids;
  for (const auto& c : root.tables("clause")) {
    auto clause = load_clause(c, s);
    if (!ids.insert(clause.id).second) c.fail("id", "clause " + clause.id + " is declared twice");
    s.clauses.push_back(std::move(clause));
  }
  if (s.clauses.empty()) root.fail("clause", "missing; a standard declares its clauses as [[clause]] tables");
  return s;
}

}  // namespace

Standard Standard::load(const std::filesystem::path& path) {
  const Config root = Config::load_file(path);  // reports a missing file and syntax errors
  std::ifstream in(path, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) throw ConfigError(path.string(), 0, "", "cannot read the file");
  return load_document(root, crypto::sha256_hex(bytes), path);
}

Standard Standard::parse(std::string_view text, std::string source_name) {
  const Config root = Config::parse(text, source_name);
  return load_document(root, crypto::sha256_hex(text), source_name);
}

Json to_json(const Standard& s) {
  Json clauses = Json::array();
  for (const auto& c : s.clauses) {
    Json ms = Json::array();
    for (const auto& m : c.measurements) {
      Json planned = {{"full", m.planned.full}, {"quick", m.planned.quick}, {"errors", m.planned.errors},
                      {"persons", m.planned.persons ? Json(*m.planned.persons) : Json(nullptr)}};
      ms.push_back({{"name", m.name},
                    {"title", m.title},
                    {"kind", to_string(m.kind)},
                    {"unit", m.unit},
                    {"condition", m.condition},
                    {"baseline", m.baseline.empty() ? Json(nullptr) : Json(m.baseline)},
                    {"events", m.events},
                    {"out_of", m.out_of},
                    {"threshold", {{"op", stats::to_string(m.threshold.op)}, {"value", m.threshold.value}}},
                    {"quick_threshold", m.quick_threshold ? Json(*m.quick_threshold) : Json(nullptr)},
                    {"rule", m.rule},
                    {"decision_rule", m.decision_rule},
                    {"confidence", m.confidence},
                    {"quantile", m.kind == MeasurementKind::latency ? Json(m.quantile) : Json(nullptr)},
                    {"planned", planned},
                    {"required", m.required},
                    {"not_tested_reason", m.not_tested_reason}});
    }
    clauses.push_back({{"id", c.id},
                       {"title", c.title},
                       {"title_zh", c.title_zh},
                       {"requirement", c.requirement},
                       {"requirement_zh", c.requirement_zh},
                       {"status", to_string(c.status)},
                       {"terminal_mode", c.terminal_mode},
                       {"conditions", c.conditions},
                       {"method", c.method},
                       {"not_tested_reason", c.not_tested_reason},
                       {"parameters", c.parameters},
                       {"measurements", ms}});
  }
  return {{"schema", "gaterig.standard/1"},
          {"id", s.id},
          {"title", s.title},
          {"title_zh", s.title_zh},
          {"version", s.version},
          {"source", s.source},
          {"sha256", s.sha256},
          {"confidence", s.confidence},
          {"decision_rule", s.decision_rule},
          {"quick_rule", s.quick_rule},
          {"clauses", clauses}};
}

std::ostream& operator<<(std::ostream& os, const Threshold& t) {
  return os << stats::symbol(t.op) << " " << t.value;
}

std::ostream& operator<<(std::ostream& os, const MeasurementSpec& m) {
  return os << m.label() << " " << describe(m.threshold, m.unit);
}

std::ostream& operator<<(std::ostream& os, const Clause& c) {
  return os << c.id << " " << c.title << " (" << c.measurements.size() << " measurement"
            << (c.measurements.size() == 1 ? "" : "s") << ")";
}

}  // namespace gaterig::standard
