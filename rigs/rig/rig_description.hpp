#pragma once
// What is wired where (labgrid's "resources"): a rig description is plain data read from a TOML
// file (rigs/sim.toml, rigs/real-bench.example.toml; the format is rigs/README.md) and checked as
// it is loaded. Errors name file:line:key; unknown keys are errors. Paths of inputs (platform
// config, fixtures set) are relative to the rig file; socket paths of the run (monitor link,
// virtual wire) are relative to the run's work dir.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "rigs/display/display.hpp"

namespace gaterig::rig {

struct LabInfo {
  std::string name, address, accreditation;
};

struct Calibration {
  double panel_latency_ms = 0.0;  // flip -> light of the panel (window display)
  bool photodiode = false;        // a photodiode on the marker patch gives the photon time
  std::string lux_meter_cert;     // the lux meter's calibration certificate
  std::string due;                // next calibration due, "yyyy-MM-dd"
};

struct WiegandWiring {
  std::string source = "virtual";  // "virtual" | "gpio"
  std::string path;                // virtual wire socket; empty: <work dir>/wiegand.sock
  std::string chip;                // gpio: "gpiochip0", "/dev/gpiochip0", a label
  int d0 = -1, d1 = -1;            // gpio line offsets
  int photodiode = -1, relay = -1; // optional lines on the same chip (-1: not wired)
  std::string format = "auto";     // "auto" | "wg26" | "wg34"
  double silence_ms = 25.0;        // ends a frame
};

// One Modbus connection: TCP (a gateway or the device itself) or an RTU serial bus.
struct ModbusWiring {
  std::string transport = "tcp";  // "tcp" | "rtu"
  std::string host = "127.0.0.1";
  int port = 502;
  std::string device;             // rtu: /dev/ttyUSB0
  int baud = 9600;
  char parity = 'N';
  int data_bits = 8, stop_bits = 1;
  int response_timeout_ms = 500;
  int retries = 2;
  std::string describe() const;   // "tcp 10.0.0.5:502", "rtu /dev/ttyUSB0 9600 8N1"
  bool operator==(const ModbusWiring&) const = default;
};

// One instrument on a bus. `map` names its register map; the drivers in probes/modbus know one
// map per instrument ("gaterig", simulator/bench/REGISTER_MAPS.md); another map needs its driver.
struct InstrumentWiring {
  int unit = 0;
  std::string map = "gaterig";
  std::optional<ModbusWiring> modbus;  // its own bus; else the bench's [bench.modbus]
};

// Light levels of a condition, per mille of each channel.
struct LightCondition {
  std::string name;  // normal | strong | back | low (or a lab's own)
  int front = 0, back = 0, ambient = 1000;
};

struct BenchWiring {
  bool simulated = false;  // true: the in-process simulated bench serves the registers
  bool present = true;     // false: no [bench] table (no lights, lux or relay)
  ModbusWiring modbus;
  InstrumentWiring light{1}, lux{2}, relay{3};
  int front_channel = 0, back_channel = 1, ambient_channel = 2;  // light controller channels
  std::vector<LightCondition> conditions;  // normal, strong, back, low by default
  const LightCondition* condition(std::string_view name) const;
};

struct PlatformWiring {
  std::string bind = "127.0.0.1";   // where the terminal reaches the rig's platform
  int port = 0;                      // 0: any (read back after start)
  int admin_port = 0;
  std::filesystem::path config;      // a platform TOML ([platform] table); empty: the rig's default project
};

struct TerminalWiring {
  std::string kind = "devsim";       // "devsim" | "external"
  std::string profile = "compliant"; // devsim behaviour profile(s), comma-separated
  std::string mode = "test";         // "test" (liveness off) | "liveness"
  int power_outlet = 0;              // the relay outlet feeding the terminal
  double ready_timeout_s = 120;      // power on -> ready
  // devsim: [terminal.devsim] is merged into the generated [devsim] table (policy, face, sync,
  // identity, wiegand format/facility ...); the rig sets platform, camera, wire, data and cards.
  std::string devsim_table_toml;
  // external: where the terminal is and its admin endpoint, when it has one we can speak
  std::string address;               // the terminal's IP on the bench network (informational)
  std::string admin;                 // "http://HOST:PORT" (GET /status, /firmware), empty: none
  // Where the rig writes the cards it issued to the set's persons (JSON, docs/external-terminal.md)
  // for the terminal to load; relative to the run's work dir; empty: not written.
  std::string card_book;
};

struct SynthParams {
  int persons = 4, impostors = 2, samples = 2;
  std::uint64_t seed = 1;
  std::string cards = "wg26";
};

// A lab's photo folder imported once into the cache (fixtures/import.hpp): the certification set.
struct ImportParams {
  std::filesystem::path folder;       // relative to the rig file; may be absent at load (then the fallback)
  bool cooperative = false;           // the landmark pose rule (fixtures/frontal_rule.hpp)
  double max_tilt_deg = 10.0, max_nose_offset = 0.18;
  double enrolled_fraction = 0.75;
  std::uint64_t seed = 1;
  std::string cards = "wg26";
};

struct FixturesSource {
  std::filesystem::path set;            // an existing set folder, or
  std::optional<ImportParams> import;   // a lab's folder imported into the cache, or
  std::optional<SynthParams> synth;     // a synthetic set made once into the cache (with `import`:
                                        // the fallback when its folder is absent; default SynthParams)
  std::vector<std::string> variants;    // fixtures build kinds made into the cached set (import, synth)
  int variants_per_person = 2;          // source probes per person and kind (0: every probe)
  std::filesystem::path cache;          // where made sets are kept; empty: the default cache
};

// How trials are paced on this bench ([trials]; scenarios/conftest.py reads it). The simulated
// terminal answers within tens of milliseconds and sees the neutral frame at once; a real camera
// needs time to lose a face before the next one is a new person, so a real bench wants longer.
struct TrialPacing {
  int gap_ms = 80;              // neutral frame between trials
  int settle_ms = 50;           // after a trial's first Wiegand edge, before its window closes
  int accept_window_ms = 5000;  // the longest a presentation that should open the gate is shown
  int refusal_floor_ms = 150;   // the shortest silence that calls a refusal
  Json to_json() const;
};

struct RigDescription {
  std::filesystem::path file;        // the rig file as given
  std::string sha256;                // of its bytes (results: rig.sha256)
  std::string name;
  std::string kind = "sim";          // "sim" | "real"
  LabInfo lab;
  Calibration calibration;
  display::DisplayConfig display;
  WiegandWiring wiegand;
  BenchWiring bench;
  PlatformWiring platform;
  TerminalWiring terminal;
  FixturesSource fixtures;
  TrialPacing trials;

  // Throws ConfigError (file:line:key) for a bad description, and for a missing file.
  static RigDescription load(const std::filesystem::path& path);
  static RigDescription parse(std::string_view text, const std::filesystem::path& as_file);

  // {"name","kind","description","sha256","calibration":{...}} as the results document wants it.
  Json to_json() const;
};

std::ostream& operator<<(std::ostream& os, const RigDescription& d);  // one line per resource

}  // namespace gaterig::rig
