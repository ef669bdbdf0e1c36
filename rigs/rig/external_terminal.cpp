#include "rigs/rig/external_terminal.hpp"

#include <fstream>
#include <thread>

#include "core/crypto.hpp"
#include "rigs/rig/stop_wait.hpp"
#include "simulator/device/http_client.hpp"

namespace gaterig::rig {
namespace {
using namespace std::chrono_literals;
}

void write_card_book(const std::filesystem::path& path, const std::vector<fixtures::Person>& persons) {
  Json cards = Json::array();
  std::string format = "wg26";
  for (const auto& p : persons) {
    if (p.id_number.empty()) continue;
    format = std::string(fixtures::to_string(p.card.format));
    cards.push_back(Json{{"id_sha256", crypto::sha256_hex(p.id_number)}, {"facility", p.card.facility},
                         {"number", p.card.number}, {"code", p.card.code()}});
  }
  const Json book{{"schema", "gaterig.cards/1"}, {"format", format}, {"cards", std::move(cards)}};
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << book.dump(1) << "\n";
    if (!out.flush()) throw std::runtime_error("terminal.card_book: cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("terminal.card_book: cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
}

ExternalTerminal::ExternalTerminal(std::string address, std::string admin, std::string mode,
                                   std::chrono::milliseconds ready_timeout, EventSink& events, PowerSwitch relay)
    : address_(std::move(address)), ready_timeout_(ready_timeout), events_(events), relay_(std::move(relay)),
      mode_(std::move(mode)) {
  if (!admin.empty()) {
    const std::string rest = admin.substr(7);  // after "http://" (checked when the description was loaded)
    const auto colon = rest.rfind(':');
    host_ = rest.substr(0, colon);
    try {
      port_ = colon == std::string::npos ? 80 : std::stoi(rest.substr(colon + 1));
    } catch (const std::exception&) {
      throw std::invalid_argument("terminal.admin: expected http://HOST:PORT, found " + admin);
    }
  }
}

void ExternalTerminal::start() {
  if (!wait_ready(ready_timeout_))
    throw TerminalError("external terminal at " + host_ + ":" + std::to_string(port_) +
                        ": admin endpoint did not answer GET /status within " + std::to_string(ready_timeout_.count()) + " ms");
}

void ExternalTerminal::power_cut() {
  if (!relay_) throw TerminalError("external terminal: no relay wired to cut its power ([bench.relay], terminal.power_outlet)");
  relay_(false);
}

void ExternalTerminal::power_on() {
  if (!relay_) throw TerminalError("external terminal: no relay wired to switch its power on");
  relay_(true);
}

void ExternalTerminal::supply_changed(bool on) {
  events_.publish(Event{mono_now(), "terminal", "terminal.power", Json{{"on", on}, {"how", "relay"}}});
}

bool ExternalTerminal::wait_ready(std::chrono::milliseconds timeout) {
  if (host_.empty()) return true;  // nothing to ask: the operator vouches for it
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    try {
      status();
      return true;
    } catch (const TerminalError&) {
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Polling a device that is booting; the stop signal ends the wait early.
    if (wait_for_stop(500ms)) return false;
  }
}

Json ExternalTerminal::admin(const std::string& method, const std::string& path, const Json* body) {
  if (host_.empty())
    throw TerminalError("external terminal: no admin endpoint in the description (terminal.admin) for " + method + " " + path);
  device::HttpClient http({host_, static_cast<std::uint16_t>(port_)}, {2000ms, 5000ms, 10000ms});
  const auto r = http.request(method, path, body ? "application/json" : "", body ? body->dump() : "");
  if (!r.ok()) throw TerminalError("terminal admin " + method + " " + path + ": " + to_string(r.failure));
  if (r.status != 200) throw TerminalError("terminal admin " + method + " " + path + ": HTTP " + std::to_string(r.status));
  try {
    return Json::parse(r.body);
  } catch (const std::exception&) {
    throw TerminalError("terminal admin " + method + " " + path + ": reply is not JSON");
  }
}

Json ExternalTerminal::status() { return admin("GET", "/status", nullptr); }
Json ExternalTerminal::firmware() { return admin("GET", "/firmware", nullptr); }
Json ExternalTerminal::set_params(const Json& params) { return admin("PUT", "/params", &params); }

void ExternalTerminal::restart(std::chrono::milliseconds timeout) {
  admin("POST", "/restart", nullptr);
  if (!wait_ready(timeout)) throw TerminalError("external terminal did not answer again after POST /restart");
}

bool ExternalTerminal::request_sync() {
  if (host_.empty()) return false;
  admin("POST", "/sync", nullptr);
  return true;
}

void ExternalTerminal::set_mode(std::string_view mode) {
  if (mode != "test" && mode != "liveness")
    throw std::invalid_argument("terminal mode: expected \"test\" or \"liveness\", found \"" + std::string(mode) + "\"");
  std::string how = "manual";  // without an endpoint the operator switches it and the report says so
  if (!host_.empty()) {
    set_params(Json{{"check_liveness", mode == "liveness"}});
    how = "admin";
  }
  {
    std::lock_guard lock(mu_);
    mode_ = std::string(mode);
  }
  events_.publish(Event{mono_now(), "terminal", "terminal.mode", Json{{"mode", std::string(mode)}, {"how", how}}});
}

std::string ExternalTerminal::mode() const {
  std::lock_guard lock(mu_);
  return mode_;
}

TerminalIdentity ExternalTerminal::identity() { return TerminalIdentity::from_json(firmware()); }

std::string ExternalTerminal::describe() const {
  return "external terminal" + (address_.empty() ? std::string() : " at " + address_) +
         (host_.empty() ? std::string(", no admin endpoint") : ", admin http://" + host_ + ":" + std::to_string(port_));
}

Json ExternalTerminal::soak(std::size_t, const std::optional<std::string>&, std::chrono::milliseconds) {
  throw TerminalError("soak (passes made by the terminal itself): not supported by this terminal (" + describe() +
                      "); only the simulated terminal has POST /soak");
}

Json ExternalTerminal::update_firmware(const std::filesystem::path&, const std::string&) {
  throw TerminalError("firmware update: not supported by this terminal (" + describe() +
                      "); a vendor's OTA needs a driver of its own");
}

}  // namespace gaterig::rig
