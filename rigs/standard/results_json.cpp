// gaterig.results/1 as JSON: the writer's key order and the reader's checks (docs/results-schema.md).
#include <map>

#include "reports/statistics/decision.hpp"
#include "rigs/standard/results_document.hpp"

namespace gaterig::standard {

using OJson = nlohmann::ordered_json;

ResultsError::ResultsError(std::string file, std::string json_path, const std::string& what)
    : std::runtime_error(file + ": " + (json_path.empty() ? "" : json_path + ": ") + what),
      file_(std::move(file)),
      json_path_(std::move(json_path)) {}

// ---- writing ----------------------------------------------------------------------------------

namespace {

template <typename T>
OJson or_null(const std::optional<T>& v) {
  return v ? OJson(*v) : OJson(nullptr);
}

OJson bounds_json(const std::optional<Bounds>& b) {
  if (!b) return nullptr;
  return OJson{{"low", b->low}, {"high", b->high}, {"confidence", b->confidence}, {"method", b->method},
               {"sides", b->sides}};
}

OJson strings(const std::vector<std::string>& v) {
  OJson a = OJson::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

OJson numbers(const std::vector<double>& v) {
  OJson a = OJson::array();
  for (double d : v) a.push_back(d);
  return a;
}

}  // namespace

OJson to_json(const MeasurementResult& m) {
  OJson j;
  j["name"] = m.name;
  j["title"] = m.title;
  j["unit"] = m.unit;
  j["condition"] = m.condition;
  j["value"] = or_null(m.value);
  j["trials"] = m.trials;
  j["errors"] = m.errors;
  j["subjects"] = m.subjects;
  j["interval"] = bounds_json(m.interval);
  j["bootstrap"] = bounds_json(m.bootstrap);
  j["threshold"] = {{"op", statistics::to_string(m.threshold.op)}, {"value", m.threshold.value}};
  j["verdict"] = verdict_text(m.verdict);
  if (m.unit == "ms") j["samples_ms"] = numbers(m.samples_ms);
  j["zone"] = m.zone;
  j["reason"] = m.reason;
  j["decision_rule"] = m.decision_rule;
  j["required"] = m.required;
  j["planned_trials"] = m.planned_trials;
  j["additional_clean_trials"] = or_null(m.additional_clean_trials);
  j["interval_two_sided"] = bounds_json(m.interval_two_sided);
  if (m.baseline) {
    OJson b{{"condition", m.baseline->condition},
            {"events", m.baseline->events},
            {"trials", m.baseline->trials},
            {"value", or_null(m.baseline->value)}};
    if (m.unit == "ms") b["samples_ms"] = numbers(m.baseline->samples_ms);
    j["baseline"] = b;
  } else {
    j["baseline"] = nullptr;
  }
  j["deviations"] = strings(m.deviations);
  j["notes"] = strings(m.notes);
  j["statistics"] = OJson(m.statistics);
  j["rig_errors"] = m.rig_errors;
  return j;
}

OJson to_json(const ClauseResult& c) {
  OJson j;
  j["id"] = c.id;
  j["title"] = c.title;
  j["title_zh"] = c.title_zh;
  j["status"] = c.status;
  j["verdict"] = to_string(c.verdict);
  j["reason"] = c.reason;
  j["method"] = c.method;
  j["decision_rule"] = c.decision_rule;
  j["terminal_mode"] = c.terminal_mode;
  j["deviations"] = strings(c.deviations);
  j["notes"] = strings(c.notes);
  j["error"] = or_null(c.error);
  OJson ms = OJson::array();
  for (const auto& m : c.measurements) ms.push_back(to_json(m));
  j["measurements"] = ms;
  return j;
}

OJson to_json(const ResultsDocument& d) {
  OJson j;
  j["schema"] = kResultsSchema;
  j["run"] = {{"id", d.run.id},           {"started", d.run.started},
              {"ended", d.run.ended},     {"quick", d.run.quick},
              {"seed", d.run.seed},       {"gaterig_version", d.run.gaterig_version},
              {"command", d.run.command}, {"resumed", d.run.resumed}};
  j["lab"] = {{"name", d.lab.name}, {"address", d.lab.address}, {"accreditation", d.lab.accreditation}};
  j["rig"] = {{"name", d.rig.name},
              {"kind", d.rig.kind},
              {"description", d.rig.description},
              {"sha256", d.rig.sha256},
              {"calibration",
               {{"panel_latency_ms", or_null(d.rig.calibration.panel_latency_ms)},
                {"photon_method", d.rig.calibration.photon_method},
                {"due", d.rig.calibration.due}}}};
  j["standard"] = {{"id", d.standard.id}, {"title", d.standard.title}, {"version", d.standard.version},
                   {"sha256", d.standard.sha256}};
  OJson t{{"vendor", d.terminal.vendor},
          {"model", d.terminal.model},
          {"firmware_version", d.terminal.firmware_version},
          {"firmware_hash", d.terminal.firmware_hash},
          {"serial", d.terminal.serial}};
  if (d.terminal.profile) t["profile"] = *d.terminal.profile;
  j["terminal"] = t;
  j["fixture_set"] = {{"name", d.fixture_set.name},
                      {"source", d.fixture_set.source},
                      {"persons", d.fixture_set.persons},
                      {"impostors", d.fixture_set.impostors},
                      {"presentations", d.fixture_set.presentations},
                      {"manifest_sha256", d.fixture_set.manifest_sha256}};
  OJson clauses = OJson::array();
  for (const auto& c : d.clauses) clauses.push_back(to_json(c));
  j["clauses"] = clauses;
  OJson counts;
  for (auto v : {ClauseVerdict::pass, ClauseVerdict::fail, ClauseVerdict::not_tested, ClauseVerdict::error}) {
    std::uint64_t n = 0;
    for (const auto& c : d.clauses) n += c.verdict == v;
    counts[to_string(v)] = n;
  }
  j["summary"] = {{"verdict", to_string(d.verdict())}, {"clauses", counts}};
  OJson lux = OJson::array();
  for (const auto& l : d.environment.lux) lux.push_back({{"condition", l.condition}, {"lux", l.lux}, {"at", l.at}});
  j["environment"] = {{"lux", lux}, {"temperature_c", or_null(d.environment.temperature_c)}};
  OJson groups = OJson::array();
  for (const auto& g : d.trial_groups)
    groups.push_back({{"id", g.id},
                      {"clause", g.clause},
                      {"condition", g.condition},
                      {"terminal_mode", g.terminal_mode},
                      {"trials", g.trials},
                      {"plan_seed", g.plan_seed},
                      {"plan_sha256", g.plan_sha256}});
  j["trial_groups"] = groups;
  OJson ev = OJson::array();
  for (const auto& e : d.evidence)
    ev.push_back({{"path", e.path}, {"sha256", e.sha256}, {"bytes", e.bytes}, {"what", e.what}});
  j["evidence"] = ev;
  return j;
}

// ---- reading ----------------------------------------------------------------------------------
// The one reader of gaterig.results/1: the report (reports/report) validates through it too. A
// field the schema gives a type is required with that type; the fields marked optional there
// (terminal.profile, samples_ms, rig_errors, ...) and the ones added within /1 after the brief's
// contract (title, status, reason, zone, required, planned_trials, ...) may be absent.

namespace {

using Json = nlohmann::json;

// A JSON value with its path in the document, for errors that say where.
class Node {
 public:
  Node(const Json& j, std::string path, const std::string& file) : j_(j), path_(std::move(path)), file_(file) {}

  [[noreturn]] void fail(const std::string& what) const { throw ResultsError(file_, path_, what); }
  const Json& json() const { return j_; }

  Node at(const std::string& key) const {
    if (!j_.is_object()) fail("expected an object, found " + std::string(j_.type_name()));
    auto it = j_.find(key);
    if (it == j_.end()) Node(j_, child(key), file_).fail("missing");
    return Node(*it, child(key), file_);
  }
  std::optional<Node> maybe(const std::string& key) const {  // absent or null
    if (!j_.is_object()) fail("expected an object, found " + std::string(j_.type_name()));
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    return Node(*it, child(key), file_);
  }
  std::optional<Node> nullable(const std::string& key) const {  // present, possibly null ("number | null")
    Node n = at(key);
    if (n.j_.is_null()) return std::nullopt;
    return n;
  }
  std::string str() const {
    if (!j_.is_string()) fail("expected a string, found " + std::string(j_.type_name()));
    return j_.get<std::string>();
  }
  // One of a closed vocabulary: "expected test, liveness or n/a, found \"x\"".
  std::string one_of(std::initializer_list<const char*> allowed) const {
    std::string list;
    std::size_t i = 0;
    for (const char* a : allowed) {
      if (j_.is_string() && j_.get_ref<const std::string&>() == a) return a;
      list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(a);
      ++i;
    }
    fail("expected " + list + ", found " + (j_.is_string() ? "\"" + j_.get<std::string>() + "\"" : std::string(j_.type_name())));
  }
  double num() const {
    if (!j_.is_number()) fail("expected a number, found " + std::string(j_.type_name()));
    return j_.get<double>();
  }
  std::uint64_t count() const {
    if (!j_.is_number_unsigned() && !(j_.is_number_integer() && j_.get<std::int64_t>() >= 0))
      fail("expected a count (an integer >= 0), found " + j_.dump());
    return j_.get<std::uint64_t>();
  }
  bool boolean() const {
    if (!j_.is_boolean()) fail("expected true or false, found " + std::string(j_.type_name()));
    return j_.get<bool>();
  }
  std::vector<Node> items() const {
    if (!j_.is_array()) fail("expected an array, found " + std::string(j_.type_name()));
    std::vector<Node> out;
    for (std::size_t i = 0; i < j_.size(); ++i) out.emplace_back(j_[i], path_ + "[" + std::to_string(i) + "]", file_);
    return out;
  }
  std::vector<std::string> strings() const {
    std::vector<std::string> out;
    for (const auto& i : items()) out.push_back(i.str());
    return out;
  }
  std::vector<double> latencies() const {  // samples_ms: every sample a latency, never negative
    std::vector<double> out;
    for (const auto& i : items()) {
      out.push_back(i.num());
      if (out.back() < 0) i.fail("expected a latency in ms >= 0, found " + i.j_.dump());
    }
    return out;
  }

  std::string str(const std::string& key) const { return at(key).str(); }
  double num(const std::string& key) const { return at(key).num(); }
  std::uint64_t count(const std::string& key) const { return at(key).count(); }
  bool boolean(const std::string& key) const { return at(key).boolean(); }
  std::string str_or(const std::string& key, std::string fallback) const {
    auto n = maybe(key);
    return n ? n->str() : fallback;
  }
  std::optional<double> opt_num(const std::string& key) const {
    auto n = maybe(key);
    return n ? std::optional<double>(n->num()) : std::nullopt;
  }
  std::vector<std::string> opt_strings(const std::string& key) const {
    auto n = maybe(key);
    return n ? n->strings() : std::vector<std::string>{};
  }

 private:
  std::string child(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const Json& j_;
  std::string path_;
  const std::string& file_;
};

// `full`: the verdict's interval and the two-sided one carry confidence and method; the
// brief's contract gives the bootstrap's bounds as {low, high} alone.
std::optional<Bounds> read_bounds(const std::optional<Node>& n, bool full) {
  if (!n) return std::nullopt;
  Bounds b;
  b.low = n->num("low");
  b.high = n->num("high");
  b.confidence = full || n->maybe("confidence") ? n->num("confidence") : 0.95;
  b.method = full ? n->str("method") : n->str_or("method", "");
  b.sides = n->str_or("sides", "");
  return b;
}

Threshold read_threshold(const Node& n) {
  Threshold t;
  const Node op = n.at("op");
  t.op = statistics::parse_relation(op.one_of({"<=", "<", ">=", ">"}));
  t.value = n.num("value");
  return t;
}

MeasurementResult read_measurement(const Node& n) {
  MeasurementResult m;
  m.name = n.str("name");
  m.title = n.str_or("title", m.name);
  m.unit = n.at("unit").one_of({"ratio", "ms", "count", "%", "s"});
  m.condition = n.str("condition");
  if (auto v = n.nullable("value")) m.value = v->num();
  m.trials = n.count("trials");
  m.errors = n.count("errors");
  if (auto s = n.nullable("subjects")) m.subjects = s->count();  // null: not known (0)
  m.interval = read_bounds(n.nullable("interval"), true);
  m.bootstrap = read_bounds(n.nullable("bootstrap"), false);
  m.threshold = read_threshold(n.at("threshold"));
  const Node v = n.at("verdict");
  try {
    m.verdict = parse_measurement_verdict(v.str());
  } catch (const std::invalid_argument& e) {
    v.fail(e.what());
  }
  if (auto s = n.maybe("samples_ms")) m.samples_ms = s->latencies();
  m.zone = n.str_or("zone", "none");
  m.reason = n.str_or("reason", "");
  m.decision_rule = n.str_or("decision_rule", "");
  m.required = n.maybe("required") ? n.boolean("required") : true;
  m.planned_trials = n.maybe("planned_trials") ? n.count("planned_trials") : 0;
  if (auto a = n.maybe("additional_clean_trials")) m.additional_clean_trials = a->count();
  m.interval_two_sided = read_bounds(n.maybe("interval_two_sided"), true);
  if (auto b = n.maybe("baseline")) {
    BaselineFigures f;
    f.condition = b->str("condition");
    f.events = b->count("events");
    f.trials = b->count("trials");
    f.value = b->opt_num("value");
    if (auto s = b->maybe("samples_ms")) f.samples_ms = s->latencies();
    m.baseline = f;
  }
  m.deviations = n.opt_strings("deviations");
  m.notes = n.opt_strings("notes");
  if (auto s = n.maybe("statistics")) m.statistics = s->json();
  m.rig_errors = n.maybe("rig_errors") ? n.count("rig_errors") : 0;  // absent in documents written before it was
  return m;
}

std::string label(const MeasurementResult& m) { return m.condition.empty() ? m.name : m.name + " [" + m.condition + "]"; }

// The clause verdict rule (docs/results-schema.md) in the direction a reader can check: an ERROR
// says what broke; a PASS has no measurement that makes the clause FAIL or leaves it NOT TESTED.
void check_verdict(const Node& n, const ClauseResult& c) {
  if (c.verdict == ClauseVerdict::error && !c.error)
    n.at("error").fail("expected what went wrong (the clause is ERROR), found null");
  if (c.verdict != ClauseVerdict::pass) return;
  for (std::size_t k = 0; k < c.measurements.size(); ++k) {
    const auto& m = c.measurements[k];
    const std::string which = " (measurements[" + std::to_string(k) + "] " + label(m) + ")";
    if (m.verdict == MeasurementVerdict::fail || m.verdict == MeasurementVerdict::not_demonstrable)
      n.at("verdict").fail("PASS, but a measurement of the clause is " + verdict_text(m.verdict) + which +
                           ": expected FAIL");
    if (m.verdict == MeasurementVerdict::not_tested && m.required)
      n.at("verdict").fail("PASS, but a required measurement of the clause is NOT TESTED" + which +
                           ": expected NOT TESTED");
  }
}

ClauseResult read_clause(const Node& n) {
  ClauseResult c;
  c.id = n.str("id");
  c.title = n.str("title");
  c.title_zh = n.str("title_zh");
  c.status = n.str_or("status", "");
  const Node v = n.at("verdict");
  try {
    c.verdict = parse_clause_verdict(v.str());
  } catch (const std::invalid_argument& e) {
    v.fail(e.what());
  }
  c.reason = n.str_or("reason", "");
  c.method = n.str("method");
  c.decision_rule = n.str("decision_rule");
  c.terminal_mode = n.at("terminal_mode").one_of({"test", "liveness", "n/a"});
  c.deviations = n.at("deviations").strings();
  c.notes = n.at("notes").strings();
  if (auto e = n.nullable("error")) c.error = e->str();
  for (const auto& m : n.at("measurements").items()) c.measurements.push_back(read_measurement(m));
  check_verdict(n, c);
  return c;
}

Evidence read_evidence(const Node& n) {
  Evidence e{n.str("path"), n.str("sha256"), n.count("bytes"), n.str("what")};
  const std::filesystem::path rel(e.path);
  if (e.path.empty() || rel.is_absolute()) n.at("path").fail("expected a path relative to the results file's folder, found \"" + e.path + "\"");
  for (const auto& part : rel)
    if (part == "..") n.at("path").fail("expected a path inside the results file's folder (no \"..\"), found \"" + e.path + "\"");
  if (e.sha256.size() != 64 || e.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    n.at("sha256").fail("expected 64 lowercase hex digits, found \"" + e.sha256 + "\"");
  return e;
}

}  // namespace

ResultsDocument results_from_json(const Json& doc, const std::string& file) {
  const Node root(doc, "", file);
  const Node schema = root.at("schema");
  if (schema.str() != kResultsSchema)
    schema.fail(std::string("expected \"") + kResultsSchema + "\", found \"" + schema.str() + "\"");
  ResultsDocument d;
  const Node run = root.at("run");
  d.run.id = run.str("id");
  d.run.started = run.str("started");
  d.run.ended = run.str("ended");
  d.run.quick = run.boolean("quick");
  d.run.seed = run.count("seed");
  d.run.gaterig_version = run.str("gaterig_version");
  d.run.command = run.str("command");
  d.run.resumed = run.boolean("resumed");
  const Node lab = root.at("lab");
  d.lab = {lab.str("name"), lab.str("address"), lab.str("accreditation")};
  const Node rig = root.at("rig");
  d.rig.name = rig.str("name");
  d.rig.kind = rig.at("kind").one_of({"sim", "real"});
  d.rig.description = rig.str("description");
  d.rig.sha256 = rig.str("sha256");
  const Node cal = rig.at("calibration");
  if (auto p = cal.nullable("panel_latency_ms")) d.rig.calibration.panel_latency_ms = p->num();
  d.rig.calibration.photon_method = cal.str("photon_method");
  if (auto due = cal.nullable("due")) d.rig.calibration.due = due->str();  // null: none (as "")
  const Node st = root.at("standard");
  d.standard = {st.str("id"), st.str("title"), st.str("version"), st.str("sha256")};
  const Node t = root.at("terminal");
  d.terminal = {t.str("vendor"), t.str("model"), t.str("firmware_version"), t.str("firmware_hash"), t.str("serial"),
                std::nullopt};
  if (auto p = t.maybe("profile")) d.terminal.profile = p->str();
  const Node fs = root.at("fixture_set");
  d.fixture_set = {fs.str("name"), fs.str("source"), fs.count("persons"), fs.count("impostors"),
                   fs.count("presentations"), fs.str("manifest_sha256")};
  for (const auto& c : root.at("clauses").items()) {
    d.clauses.push_back(read_clause(c));
    for (std::size_t i = 0; i + 1 < d.clauses.size(); ++i)
      if (d.clauses[i].id == d.clauses.back().id)
        c.at("id").fail("expected one entry per clause, found \"" + d.clauses.back().id + "\" again (clauses[" +
                        std::to_string(i) + "])");
  }
  const Node env = root.at("environment");
  for (const auto& l : env.at("lux").items()) d.environment.lux.push_back({l.str("condition"), l.num("lux"), l.str("at")});
  if (auto tc = env.nullable("temperature_c")) d.environment.temperature_c = tc->num();
  for (const auto& g : root.at("trial_groups").items())
    d.trial_groups.push_back({g.str("id"), g.str("clause"), g.str("condition"),
                              g.at("terminal_mode").one_of({"test", "liveness", "n/a"}), g.count("trials"),
                              g.count("plan_seed"), g.str("plan_sha256")});
  for (const auto& e : root.at("evidence").items()) {
    d.evidence.push_back(read_evidence(e));
    for (std::size_t i = 0; i + 1 < d.evidence.size(); ++i)
      if (d.evidence[i].path == d.evidence.back().path)
        e.at("path").fail("expected each evidence file listed once, found \"" + d.evidence.back().path +
                          "\" again (evidence[" + std::to_string(i) + "])");
  }
  return d;
}

}  // namespace gaterig::standard
