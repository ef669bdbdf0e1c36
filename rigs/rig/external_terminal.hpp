#pragma once
// A real terminal on the bench network: the rig does not run it, it powers it through the relay
// and, when the description gives one, reads its admin endpoint (GET /status, GET /firmware,
// PUT /params, POST /restart, POST /sync in the devsim's dialect; a vendor's own protocol needs a
// driver of its own). Without an admin endpoint, status()/firmware() throw TerminalError and the
// identity comes from the report's manual entries.
#include <mutex>
#include <vector>

#include "fixtures/manifest.hpp"
#include "rigs/rig/terminal.hpp"

namespace gaterig::rig {

// The cards the lab issued to the set's persons, for a terminal the rig does not configure
// itself (docs/external-terminal.md): {"schema": "gaterig.cards/1", "format": "wg26"|"wg34",
// "cards": [{"id_sha256", "facility", "number", "code"}]}. Keyed by the SHA-256 (hex) of the ID
// number, so no ID number is written in clear; the terminal hashes the ones it decrypts.
// Written to a temporary file and renamed (a terminal polling it never reads half of it);
// std::runtime_error naming the path when it cannot be written.
void write_card_book(const std::filesystem::path& path, const std::vector<fixtures::Person>& persons);

class ExternalTerminal final : public Terminal {
 public:
  // `admin` is "http://HOST:PORT" or empty; `relay` may be empty (no power control).
  ExternalTerminal(std::string address, std::string admin, std::string mode, std::chrono::milliseconds ready_timeout,
                   EventSink& events, PowerSwitch relay);

  void start() override;
  void stop() override {}
  void power_cut() override;
  void power_on() override;
  void supply_changed(bool on) override;
  bool wait_ready(std::chrono::milliseconds timeout) override;
  bool has_status() const override { return !host_.empty(); }
  Json status() override;
  Json firmware() override;
  Json set_params(const Json& params) override;
  void restart(std::chrono::milliseconds timeout) override;
  void set_mode(std::string_view mode) override;
  std::string mode() const override;
  TerminalIdentity identity() override;
  bool request_sync() override;
  std::string describe() const override;
  // Neither is in the devsim admin dialect a real terminal is read through: TerminalError.
  Json soak(std::size_t passes, const std::optional<std::string>& person, std::chrono::milliseconds timeout) override;
  Json update_firmware(const std::filesystem::path& image, const std::string& version) override;

 private:
  Json admin(const std::string& method, const std::string& path, const Json* body);

  std::string address_, host_;
  int port_ = 0;
  std::chrono::milliseconds ready_timeout_;
  EventSink& events_;
  PowerSwitch relay_;
  mutable std::mutex mu_;
  std::string mode_;
};

}  // namespace gaterig::rig
