// Loading a rig description: every table checked as it is read, unknown keys refused, each error
// naming file:line:key and what was expected.
#include "rigs/rig/rig_description.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "core/config.hpp"
#include "core/crypto.hpp"
#include "fixtures/variants/variant.hpp"

namespace gaterig::rig {
namespace {

int int_in(const Config& t, std::string_view key, int fallback, int low, int high) {
  const auto v = t.get_int(key, fallback);
  if (v < low || v > high)
    t.fail(key, "expected an integer in " + std::to_string(low) + ".." + std::to_string(high) + ", found " +
                    std::to_string(v));
  return static_cast<int>(v);
}

std::string one_of(const Config& t, std::string_view key, std::string fallback,
                   const std::vector<std::string>& allowed) {
  const std::string v = t.get_string(key, fallback);
  for (const auto& a : allowed)
    if (v == a) return v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  t.fail(key, "expected one of " + list + ", found \"" + v + "\"");
}

ModbusWiring parse_modbus(const Config& t) {
  t.reject_unknown({"transport", "host", "port", "device", "baud", "parity", "data_bits", "stop_bits",
                    "response_timeout_ms", "retries"});
  ModbusWiring m;
  m.transport = one_of(t, "transport", "tcp", {"tcp", "rtu"});
  if (m.transport == "tcp") {
    for (auto k : {"device", "baud", "parity", "data_bits", "stop_bits"})
      if (t.has(k)) t.fail(k, "is for transport = \"rtu\"; this bus is tcp");
    m.host = t.get_string("host", m.host);
    if (m.host.empty()) t.fail("host", "expected a host name or address");
    m.port = int_in(t, "port", 502, 1, 65535);
  } else {
    for (auto k : {"host", "port"})
      if (t.has(k)) t.fail(k, "is for transport = \"tcp\"; this bus is rtu");
    if (!t.has("device")) t.fail("device", "missing; expected the serial device of the RTU bus (\"/dev/ttyUSB0\")");
    m.device = t.get_string("device");
    m.baud = int_in(t, "baud", 9600, 300, 4'000'000);
    const std::string parity = t.get_string("parity", "N");
    if (parity != "N" && parity != "E" && parity != "O") t.fail("parity", "expected \"N\", \"E\" or \"O\"");
    m.parity = parity[0];
    m.data_bits = int_in(t, "data_bits", 8, 5, 8);
    m.stop_bits = int_in(t, "stop_bits", 1, 1, 2);
  }
  m.response_timeout_ms = int_in(t, "response_timeout_ms", m.response_timeout_ms, 10, 60'000);
  m.retries = int_in(t, "retries", m.retries, 0, 10);
  return m;
}

InstrumentWiring parse_instrument(const Config& t, int default_unit, std::vector<std::string_view> extra) {
  std::vector<std::string_view> known = {"unit", "map", "modbus"};
  known.insert(known.end(), extra.begin(), extra.end());
  t.reject_unknown(known);
  InstrumentWiring w;
  w.unit = int_in(t, "unit", default_unit, 0, 247);
  w.map = one_of(t, "map", "gaterig", {"gaterig"});
  if (auto m = t.find_table("modbus")) w.modbus = parse_modbus(*m);
  return w;
}

std::vector<LightCondition> default_conditions() {
  // Per mille of front, back, ambient. Normal is the room light alone (~500 lx on the simulated
  // bench); strong adds the full front light (~2000 lx); back light shines into the camera; low
  // leaves a fifth of the room light (~120 lx, where the simulated sensor starts to show noise).
  return {{"normal", 0, 0, 1000}, {"strong", 1000, 0, 1000}, {"back", 0, 1000, 1000}, {"low", 0, 0, 200}};
}

BenchWiring parse_bench(const Config& t) {
  t.reject_unknown({"simulated", "modbus", "light", "lux", "relay", "conditions"});
  BenchWiring b;
  b.simulated = t.get_bool("simulated", false);
  if (auto m = t.find_table("modbus")) {
    if (b.simulated) m->fail("transport", "a simulated bench serves its own Modbus TCP port; remove [bench.modbus]");
    b.modbus = parse_modbus(*m);
  } else if (!b.simulated) {
    t.fail("modbus", "missing; a real bench needs [bench.modbus] (transport tcp host/port or rtu device/baud)");
  }
  if (auto l = t.find_table("light")) {
    b.light = parse_instrument(*l, 1, {"front", "back", "ambient"});
    b.front_channel = int_in(*l, "front", 0, 0, 3);
    b.back_channel = int_in(*l, "back", 1, 0, 3);
    b.ambient_channel = int_in(*l, "ambient", 2, 0, 3);
  }
  if (auto l = t.find_table("lux")) b.lux = parse_instrument(*l, 2, {});
  if (auto l = t.find_table("relay")) b.relay = parse_instrument(*l, 3, {});
  if (b.simulated && (b.light.modbus || b.lux.modbus || b.relay.modbus))
    t.fail("simulated", "a simulated bench has no [bench.<instrument>.modbus] buses");
  b.conditions = default_conditions();
  if (auto c = t.find_table("conditions")) {
    for (const auto& name : c->keys()) {
      const Config ct = c->table(name);
      ct.reject_unknown({"front", "back", "ambient"});
      LightCondition lc{name, int_in(ct, "front", 0, 0, 1000), int_in(ct, "back", 0, 0, 1000),
                        int_in(ct, "ambient", 0, 0, 1000)};
      bool replaced = false;
      for (auto& existing : b.conditions)
        if (existing.name == name) existing = lc, replaced = true;
      if (!replaced) b.conditions.push_back(lc);
    }
  }
  return b;
}

WiegandWiring parse_wiegand(const Config& t) {
  t.reject_unknown({"source", "path", "chip", "d0", "d1", "photodiode", "relay", "format", "silence_ms"});
  WiegandWiring w;
  w.source = one_of(t, "source", "virtual", {"virtual", "gpio"});
  w.format = one_of(t, "format", "auto", {"auto", "wg26", "wg34"});
  w.silence_ms = t.get_double("silence_ms", w.silence_ms);
  if (!(w.silence_ms >= 2 && w.silence_ms <= 1000)) t.fail("silence_ms", "expected milliseconds in 2..1000");
  if (w.source == "virtual") {
    for (auto k : {"chip", "d0", "d1", "photodiode", "relay"})
      if (t.has(k)) t.fail(k, "is for source = \"gpio\"; the virtual wire has only a path");
    w.path = t.get_string("path", "");
    if (w.path.size() >= 108) t.fail("path", "a Unix socket path must be shorter than 108 bytes");
  } else {
    if (t.has("path")) t.fail("path", "is for source = \"virtual\"; GPIO needs chip, d0, d1");
    if (!t.has("chip")) t.fail("chip", "missing; expected the gpiochip of D0/D1 (\"gpiochip0\")");
    w.chip = t.get_string("chip");
    if (!t.has("d0")) t.fail("d0", "missing; expected the line offset of D0");
    if (!t.has("d1")) t.fail("d1", "missing; expected the line offset of D1");
    w.d0 = int_in(t, "d0", 0, 0, 511);
    w.d1 = int_in(t, "d1", 0, 0, 511);
    w.photodiode = int_in(t, "photodiode", -1, -1, 511);
    w.relay = int_in(t, "relay", -1, -1, 511);
    std::vector<std::pair<const char*, int>> lines = {{"d0", w.d0}, {"d1", w.d1}, {"photodiode", w.photodiode}, {"relay", w.relay}};
    for (std::size_t i = 0; i < lines.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (lines[i].second >= 0 && lines[i].second == lines[j].second)
          t.fail(lines[i].first, "line " + std::to_string(lines[i].second) + " is already " + lines[j].first);
  }
  return w;
}

PlatformWiring parse_platform(const Config& t) {
  t.reject_unknown({"bind", "port", "admin_port", "config"});
  PlatformWiring p;
  p.bind = t.get_string("bind", p.bind);
  p.port = int_in(t, "port", 0, 0, 65535);
  p.admin_port = int_in(t, "admin_port", 0, 0, 65535);
  if (t.has("config")) {
    p.config = t.resolve(t.get_string("config"));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p.config, ec))
      t.fail("config", "no such file: " + p.config.string() + " (paths are relative to the rig file)");
  }
  return p;
}

// The keys of [terminal.devsim] the rig owns: they are set from the rest of the description.
void check_devsim_table(const Config& d) {
  for (auto k : {"data_dir", "profile", "seed", "admin"})
    if (d.has(k))
      d.fail(k, "is set by the rig (data dir and admin endpoint from the run; profile from terminal.profile; "
                "seed from the run)");
  if (auto p = d.find_table("platform"))
    for (auto k : {"host", "port", "path", "appid", "appsecret", "project_code", "team"})
      if (p->has(k)) p->fail(k, "is set by the rig (its platform's address, project and keys)");
  if (auto c = d.find_table("camera"))
    for (auto k : {"monitor", "x11_display"})
      if (c->has(k)) c->fail(k, "is set by the rig (the camera watches the rig's display)");
  if (auto w = d.find_table("wiegand"))
    for (auto k : {"virtual_wire", "gpio_chip", "gpio_d0", "gpio_d1", "gpio_relay", "cards_from"})
      if (w->has(k)) w->fail(k, "is set by the rig (the wire from [wiegand], the cards from the fixtures set)");
}

std::string devsim_table_text(std::string_view text, const std::string& file) {
  const toml::table root = toml::parse(text, std::string_view(file));
  const toml::node* n = root.at_path("terminal.devsim").node();
  if (n == nullptr || !n->is_table()) return {};
  std::ostringstream os;
  os << *n->as_table();
  return os.str();
}

TerminalWiring parse_terminal(const Config& t, std::string_view text, const std::string& file) {
  t.reject_unknown({"kind", "profile", "mode", "power_outlet", "ready_timeout_s", "devsim", "address", "admin",
                    "card_book"});
  TerminalWiring w;
  w.kind = one_of(t, "kind", "devsim", {"devsim", "external"});
  w.mode = one_of(t, "mode", "test", {"test", "liveness"});
  w.power_outlet = int_in(t, "power_outlet", 0, 0, 3);
  w.ready_timeout_s = t.get_double("ready_timeout_s", w.ready_timeout_s);
  if (!(w.ready_timeout_s > 0 && w.ready_timeout_s <= 3600)) t.fail("ready_timeout_s", "expected seconds in (0, 3600]");
  if (w.kind == "devsim") {
    for (auto k : {"address", "admin", "card_book"})
      if (t.has(k)) t.fail(k, "is for kind = \"external\"; the rig runs the devsim itself");
    w.profile = t.get_string("profile", w.profile);
    if (w.profile.empty()) t.fail("profile", "expected a devsim profile (\"compliant\")");
    if (auto d = t.find_table("devsim")) {
      check_devsim_table(*d);
      w.devsim_table_toml = devsim_table_text(text, file);
    }
  } else {
    for (auto k : {"profile", "devsim"})
      if (t.has(k)) t.fail(k, "is for kind = \"devsim\"; an external terminal keeps its own settings");
    w.address = t.get_string("address", "");
    w.admin = t.get_string("admin", "");
    if (!w.admin.empty() && w.admin.rfind("http://", 0) != 0)
      t.fail("admin", "expected \"http://HOST:PORT\" (the terminal's admin endpoint), found \"" + w.admin + "\"");
    w.card_book = t.get_string("card_book", "");
  }
  return w;
}

// [fixtures] cooperative = [MAX_TILT_DEG, MAX_NOSE_OFFSET]: numbers, integers or not, which
// Config's typed getters do not mix; read from the document itself, errors through Config.
void parse_cooperative(const Config& t, std::string_view text, const std::string& file, ImportParams& p) {
  const toml::table root = toml::parse(text, std::string_view(file));
  const toml::array* a = root.at_path("fixtures.cooperative").as_array();
  auto bad = [&] {
    t.fail("cooperative", "expected [MAX_TILT_DEG, MAX_NOSE_OFFSET], e.g. [10, 0.18] (tilt 0..90 deg, nose offset 0..1 "
                          "eye distances; fixtures/frontal_rule.hpp)");
  };
  if (a == nullptr || a->size() != 2) bad();
  const auto tilt = (*a)[0].value<double>();
  const auto nose = (*a)[1].value<double>();
  if (!tilt || !nose || !(*tilt > 0 && *tilt <= 90) || !(*nose > 0 && *nose <= 1)) bad();
  p.cooperative = true;
  p.max_tilt_deg = *tilt;
  p.max_nose_offset = *nose;
}

FixturesSource parse_fixtures(const Config& t, std::string_view text, const std::string& file) {
  t.reject_unknown({"set", "import", "synth", "cache", "cooperative", "enrolled_fraction", "seed", "cards", "variants",
                    "variants_per_person"});
  FixturesSource f;
  const int sources = int(t.has("set")) + int(t.has("import")) + int(t.has("synth") && !t.has("import"));
  if (sources != 1 || (t.has("set") && t.has("synth")))
    t.fail(t.has("set") ? "set" : t.has("import") ? "import" : "synth",
           "expected exactly one of set = \"folder\", import = \"folder\" (with [fixtures.synth] as its fallback) "
           "or [fixtures.synth]");
  if (!t.has("import"))
    for (auto k : {"cooperative", "enrolled_fraction", "seed", "cards"})
      if (t.has(k)) t.fail(k, "is an option of import = \"folder\" (a synthetic set has its own in [fixtures.synth])");
  if (t.has("set")) {
    f.set = t.resolve(t.get_string("set"));
    std::error_code ec;
    if (!std::filesystem::is_directory(f.set, ec))
      t.fail("set", "no such folder: " + f.set.string() + " (paths are relative to the rig file)");
    for (auto k : {"variants", "variants_per_person"})
      if (t.has(k)) t.fail(k, "a set folder is used as it is: make its variants with gaterig fixtures build");
  }
  if (t.has("import")) {
    ImportParams p;
    p.folder = t.resolve(t.get_string("import"));  // absent: the synthetic fallback, decided at start
    if (t.has("cooperative")) parse_cooperative(t, text, file, p);
    p.enrolled_fraction = t.get_double("enrolled_fraction", p.enrolled_fraction);
    if (!(p.enrolled_fraction > 0 && p.enrolled_fraction < 1))
      t.fail("enrolled_fraction", "expected a share of the persons strictly between 0 and 1 (the rest are impostors)");
    const auto seed = t.get_int("seed", 1);
    if (seed < 0) t.fail("seed", "expected an integer >= 0");
    p.seed = static_cast<std::uint64_t>(seed);
    p.cards = one_of(t, "cards", "wg26", {"wg26", "wg34"});
    f.import = p;
  }
  if (t.has("synth")) {
    const Config s = t.table("synth");
    s.reject_unknown({"persons", "impostors", "samples", "seed", "cards"});
    SynthParams p;
    p.persons = int_in(s, "persons", p.persons, 0, 100'000);
    p.impostors = int_in(s, "impostors", p.impostors, 0, 100'000);
    if (p.persons + p.impostors == 0) s.fail("persons", "expected persons + impostors >= 1");
    p.samples = int_in(s, "samples", p.samples, 1, 100);
    const auto seed = s.get_int("seed", 1);
    if (seed < 0) s.fail("seed", "expected an integer >= 0");
    p.seed = static_cast<std::uint64_t>(seed);
    p.cards = one_of(s, "cards", "wg26", {"wg26", "wg34"});
    f.synth = p;
  }
  if (t.has("variants")) {
    const auto known = fixtures::variant_kinds();
    for (const auto& k : t.get_strings("variants")) {
      if (k == "all") {
        for (const auto& v : known)
          if (std::find(f.variants.begin(), f.variants.end(), v) == f.variants.end()) f.variants.push_back(v);
        continue;
      }
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string list;
        for (const auto& v : known) list += (list.empty() ? "" : ", ") + v;
        t.fail("variants", "unknown kind \"" + k + "\" (known: " + list + ", or \"all\")");
      }
      if (std::find(f.variants.begin(), f.variants.end(), k) == f.variants.end()) f.variants.push_back(k);
    }
  }
  f.variants_per_person = int_in(t, "variants_per_person", f.variants_per_person, 0, 100);
  if (t.has("cache")) f.cache = t.resolve(t.get_string("cache"));
  return f;
}

Calibration parse_calibration(const Config& t) {
  t.reject_unknown({"panel_latency_ms", "photodiode", "lux_meter_cert", "due"});
  Calibration c;
  c.panel_latency_ms = t.get_double("panel_latency_ms", 0.0);
  if (!(c.panel_latency_ms >= 0 && c.panel_latency_ms <= 1000)) t.fail("panel_latency_ms", "expected milliseconds in 0..1000");
  c.photodiode = t.get_bool("photodiode", false);
  c.lux_meter_cert = t.get_string("lux_meter_cert", "");
  c.due = t.get_string("due", "");
  if (!c.due.empty() && !parse_civil(c.due, UtcOffset::china(), "yyyy-MM-dd"))
    t.fail("due", "expected a date \"yyyy-MM-dd\", found \"" + c.due + "\"");
  return c;
}

}  // namespace

const LightCondition* BenchWiring::condition(std::string_view name) const {
  for (const auto& c : conditions)
    if (c.name == name) return &c;
  return nullptr;
}

std::string ModbusWiring::describe() const {
  if (transport == "tcp") return "tcp " + host + ":" + std::to_string(port);
  return "rtu " + device + " " + std::to_string(baud) + " " + std::to_string(data_bits) + parity + std::to_string(stop_bits);
}

Json TrialPacing::to_json() const {
  return Json{{"gap_ms", gap_ms}, {"settle_ms", settle_ms}, {"accept_window_ms", accept_window_ms},
              {"refusal_floor_ms", refusal_floor_ms}};
}

namespace {
TrialPacing parse_trials(const Config& t) {
  t.reject_unknown({"gap_ms", "settle_ms", "accept_window_ms", "refusal_floor_ms"});
  TrialPacing p;
  const auto in = [&](const char* key, int fallback, int lo, int hi, const char* why) {
    const auto v = t.get_int(key, fallback);
    if (v < lo || v > hi) t.fail(key, std::string("expected ") + std::to_string(lo) + ".." + std::to_string(hi) + " ms" + why);
    return static_cast<int>(v);
  };
  p.gap_ms = in("gap_ms", p.gap_ms, 1, 60'000, "");
  p.settle_ms = in("settle_ms", p.settle_ms, 1, 10'000, "");
  // An accept at JX-A.2's 3 s limit must still fall inside the window, to be measured as slow.
  p.accept_window_ms = in("accept_window_ms", p.accept_window_ms, 3'000, 60'000,
                          " (at least JX-A.2's 3 s recognition limit, so a slow accept is seen)");
  p.refusal_floor_ms = in("refusal_floor_ms", p.refusal_floor_ms, 1, 3'000,
                          " (at most JX-A.2's 3 s: a worker does not wait longer at the gate)");
  return p;
}
}  // namespace

RigDescription RigDescription::parse(std::string_view text, const std::filesystem::path& as_file) {
  const std::string file = as_file.string();
  const Config root = Config::parse(text, file);
  root.reject_unknown({"rig", "lab", "calibration", "display", "wiegand", "bench", "platform", "terminal", "fixtures",
                       "trials"});
  RigDescription d;
  d.file = as_file;
  d.sha256 = crypto::sha256_hex(text);

  const Config r = root.table("rig");
  r.reject_unknown({"name", "kind"});
  if (!r.has("name")) r.fail("name", "missing; expected the rig's name");
  d.name = r.get_string("name");
  d.kind = one_of(r, "kind", "sim", {"sim", "real"});

  if (auto t = root.find_table("lab")) {
    t->reject_unknown({"name", "address", "accreditation"});
    d.lab = {t->get_string("name", ""), t->get_string("address", ""), t->get_string("accreditation", "")};
  }
  if (auto t = root.find_table("calibration")) d.calibration = parse_calibration(*t);
  if (auto t = root.find_table("display")) d.display = display::DisplayConfig::from_config(*t);
  d.display.panel_latency_ms = std::max(d.display.panel_latency_ms, 0.0);
  if (d.calibration.panel_latency_ms > 0 && d.display.panel_latency_ms == 0)
    d.display.panel_latency_ms = d.calibration.panel_latency_ms;
  d.display.photodiode = d.calibration.photodiode;
  if (auto t = root.find_table("wiegand")) d.wiegand = parse_wiegand(*t);
  if (auto t = root.find_table("bench")) {
    d.bench = parse_bench(*t);
  } else {
    d.bench.present = false;
  }
  if (auto t = root.find_table("platform")) d.platform = parse_platform(*t);
  if (auto t = root.find_table("terminal")) d.terminal = parse_terminal(*t, text, file);
  d.fixtures = parse_fixtures(root.table("fixtures"), text, file);
  if (auto t = root.find_table("trials")) d.trials = parse_trials(*t);

  // What only makes sense together.
  if (d.kind == "sim") {
    if (d.display.backend != "monitor")
      root.table("display").fail("backend", "a sim rig shows frames on the virtual monitor (backend = \"monitor\")");
    if (d.wiegand.source != "virtual")
      root.table("wiegand").fail("source", "a sim rig listens on the virtual wire (source = \"virtual\")");
    if (d.bench.present && !d.bench.simulated)
      root.table("bench").fail("simulated", "a sim rig has the simulated bench (simulated = true)");
    // An external terminal on the simulated bench is a lab's own program beside the rig
    // (docs/external-terminal.md): it reaches the monitor link, the wire and the platform at the
    // addresses the description fixes. The bench's relay cannot switch a process it did not start.
  } else {
    if (d.bench.present && d.bench.simulated)
      root.table("bench").fail("simulated", "a real rig drives real instruments (simulated = false)");
  }
  if (d.calibration.photodiode && d.wiegand.photodiode < 0) {
    const auto c = root.table("calibration");
    c.fail("photodiode", "the photon time comes from a photodiode, but [wiegand] wires no photodiode line");
  }
  return d;
}

RigDescription RigDescription::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || !std::filesystem::is_regular_file(path, ec)) throw ConfigError(path.string(), 0, "", "no such file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Json RigDescription::to_json() const {
  std::string method = std::string(display::kPhotonFramePublish);
  if (display.backend == "window") method = std::string(calibration.photodiode ? display::kPhotonPhotodiode : display::kPhotonFlipPanelLatency);
  return Json{{"name", name},
              {"kind", kind},
              {"description", file.string()},
              {"sha256", sha256},
              {"calibration", Json{{"panel_latency_ms", display.panel_latency_ms},
                                   {"photon_method", method},
                                   {"photodiode", calibration.photodiode},
                                   {"lux_meter_cert", calibration.lux_meter_cert},
                                   {"due", calibration.due}}},
              {"trials", trials.to_json()}};
}

std::ostream& operator<<(std::ostream& os, const RigDescription& d) {
  os << "rig " << d.name << " (" << d.kind << ") from " << d.file.string() << "\n";
  os << "  display   " << d.display.backend << (d.display.backend == "monitor" ? " link" : " window") << "\n";
  if (d.wiegand.source == "virtual")
    os << "  wiegand   virtual wire" << (d.wiegand.path.empty() ? "" : " " + d.wiegand.path) << "\n";
  else
    os << "  wiegand   " << d.wiegand.chip << " d0=" << d.wiegand.d0 << " d1=" << d.wiegand.d1
       << (d.wiegand.photodiode >= 0 ? " photodiode=" + std::to_string(d.wiegand.photodiode) : "")
       << (d.wiegand.relay >= 0 ? " relay=" + std::to_string(d.wiegand.relay) : "") << "\n";
  if (!d.bench.present)
    os << "  bench     none\n";
  else
    os << "  bench     " << (d.bench.simulated ? std::string("simulated (in-process Modbus TCP)") : d.bench.modbus.describe())
       << ", light unit " << d.bench.light.unit << ", lux unit " << d.bench.lux.unit << ", relay unit "
       << d.bench.relay.unit << " outlet " << d.terminal.power_outlet << "\n";
  os << "  platform  " << d.platform.bind << ":" << d.platform.port
     << (d.platform.config.empty() ? "" : " config " + d.platform.config.string()) << "\n";
  os << "  terminal  " << d.terminal.kind << " mode " << d.terminal.mode
     << (d.terminal.kind == "devsim" ? " profile " + d.terminal.profile : " at " + d.terminal.address) << "\n";
  const auto& f = d.fixtures;
  auto synth_text = [](const SynthParams& p) {
    return "synthetic " + std::to_string(p.persons) + "+" + std::to_string(p.impostors) + " persons";
  };
  os << "  fixtures  ";
  if (f.import) {
    os << "import " << f.import->folder.string();
    if (f.import->cooperative) os << " cooperative " << f.import->max_tilt_deg << "," << f.import->max_nose_offset;
    os << " (absent: " << synth_text(f.synth.value_or(SynthParams{})) << ")";
  } else {
    os << (f.synth ? synth_text(*f.synth) : f.set.string());
  }
  if (!f.variants.empty()) {
    os << ", variants";
    for (const auto& v : f.variants) os << " " << v;
  }
  return os;
}

}  // namespace gaterig::rig
