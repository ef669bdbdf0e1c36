#pragma once
// The device under test, as the rig drives it (a protocol with two drivers): DevsimTerminal runs
// the simulated terminal as a child process; ExternalTerminal is a real one on the bench network,
// known by its address and, when it has one, an admin endpoint. Power goes through the bench's
// relay when the rig has one.
//
// Events (source "terminal"): terminal.power {on, how: "relay"|"cut"|"on"|"died"|"stopped", ...},
// terminal.ready {pid, admin_port, enrolled, enroll_failures, identity, profile, engine},
// terminal.mode {mode}.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace gaterig::rig {

struct TerminalIdentity {
  std::string vendor, model, firmware_version, firmware_hash, serial;
  Json to_json() const;
  static TerminalIdentity from_json(const Json& j);  // missing fields stay empty
};
std::ostream& operator<<(std::ostream& os, const TerminalIdentity& id);  // "gaterig-sim GR-SIM-1 fw 0.1.0 s/n SIM-0001"

// The terminal did not answer or refused (a rig ERROR, never a device FAIL by itself).
class TerminalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A pass-time window of one person: the terminal admits them only from `from` to `to` (civil
// time "HH:MM" at the terminal's UTC offset; to < from wraps past midnight).
struct AccessWindowRule {
  std::string person;  // a fixture person id (the rig maps it to the ID number) or an ID number
  std::string from, to;
  // [{"person", "from", "to"}]; std::invalid_argument naming the item and field.
  static std::vector<AccessWindowRule> from_json(const Json& windows);
};

class Terminal {
 public:
  // Fixture person id -> ID number (the rig knows the set); empty when the id is unknown.
  using PersonLookup = std::function<std::string(const std::string& person)>;

  // How the rig switches the terminal's supply (the relay outlet). Empty: the driver does it
  // itself (devsim without a bench) or cannot (external without a relay).
  using PowerSwitch = std::function<void(bool on)>;

  virtual ~Terminal() = default;

  // Powers it on and waits until it is ready, within the description's ready timeout.
  virtual void start() = 0;
  // Ends everything the driver started (the child process); idempotent.
  virtual void stop() = 0;

  // The relay (or the driver itself) cuts / restores the supply. power_on() returns once the
  // supply is back; wait_ready() says when the terminal is up again.
  virtual void power_cut() = 0;
  virtual void power_on() = 0;
  // What the supply did, as the bench saw it (called by the rig from the relay; on a sim rig this
  // is what kills -9 / restarts the simulated terminal).
  virtual void supply_changed(bool on) = 0;
  virtual bool wait_ready(std::chrono::milliseconds timeout) = 0;

  // False when the terminal has no status to ask at all (an external one without an admin
  // endpoint): the rig then learns what it can from the platform instead (Rig::wait_synced).
  virtual bool has_status() const { return true; }
  virtual Json status() = 0;    // the terminal's own status (devsim: GET /status); TerminalError
  virtual Json firmware() = 0;  // vendor, model, serial, firmware_version, firmware_hash
  virtual Json set_params(const Json& params) = 0;
  // Asks it to restart (devsim: POST /restart) and waits until it is ready again.
  virtual void restart(std::chrono::milliseconds timeout) = 0;
  // "test": liveness off, so monitor presentations can be recognised; "liveness": on.
  virtual void set_mode(std::string_view mode) = 0;
  virtual std::string mode() const = 0;
  virtual TerminalIdentity identity() = 0;
  // Asks it to fetch the platform's workers now, when it can be asked (devsim: POST /sync).
  // Returns false when the terminal has no such command.
  virtual bool request_sync() = 0;
  virtual std::string describe() const = 0;

  // Makes `passes` passes itself, not through the camera (a record-store soak: JX-A.1's 100,000
  // records), of `person` (fixture id or ID number; empty: the terminal picks enrolled workers).
  // Returns the terminal's account {stored, refused, lost, ...}. TerminalError when it cannot.
  virtual Json soak(std::size_t passes, const std::optional<std::string>& person,
                    std::chrono::milliseconds timeout) = 0;
  // Sends a firmware image (its SHA-256 alongside) to be installed at the next start; returns the
  // terminal's staging reply. Reads the file here: std::invalid_argument naming it when unreadable.
  virtual Json update_firmware(const std::filesystem::path& image, const std::string& version) = 0;

  // Replaces the terminal's pass-time windows (an empty list: everyone at any time). Persons are
  // mapped to ID numbers here; sent as the parameter "windows" (PUT /params). Returns the params.
  Json set_access_windows(const std::vector<AccessWindowRule>& windows);

  void set_person_lookup(PersonLookup lookup) { person_lookup_ = std::move(lookup); }
  // The ID number of a fixture person id (an ID number passes as it is); std::invalid_argument
  // naming it when it is neither.
  std::string id_number_of(const std::string& person) const;

 private:
  PersonLookup person_lookup_;
};

}  // namespace gaterig::rig
