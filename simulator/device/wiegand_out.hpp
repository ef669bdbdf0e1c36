#pragma once
// The terminal's gate side: on an accept, the person's card goes out as one Wiegand frame (WG26 or
// WG34, paced in real time by probes/wiegand's transmitter) and then the door relay's line drops
// for `relay_hold` (relay.hpp's Door). Edges go to the probes' EdgeSink: the virtual wire, or
// GPIO outputs on a real bench.
//
// Which card a person has (the rig must know which frame to expect for whom). The national
// ProjectWorker data carries no card number, so:
//   1. with `cards_from` (a fixtures set folder), the card of the person with that ID number in
//      its manifest (facility and number as the manifest says);
//   2. otherwise the DERIVED card: facility = the configured facility, number = the first two
//      bytes of SHA-256(ID number as ASCII), big-endian (0..65535). In Python:
//          int.from_bytes(hashlib.sha256(id.encode()).digest()[:2], "big")
//      16 bits cannot tell 10,000 persons apart without collisions (about 700 pairs share a
//      number at N = 10,000): the platform record, not the card, identifies the person then.
// WG26 carries facility (8 bits) + number (16 bits); WG34 facility (16 bits) + number (16 bits).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>

#include "probes/wiegand/edge.hpp"
#include "probes/wiegand/transmitter.hpp"
#include "simulator/device/terminal_config.hpp"

namespace gaterig::device {

struct GateCard {
  std::uint32_t facility = 0;
  std::uint32_t number = 0;
  friend bool operator==(const GateCard&, const GateCard&) = default;
};
std::ostream& operator<<(std::ostream& os, const GateCard& c);  // "1:34567"

// The derived card number of an ID number (see above).
std::uint32_t derived_card_number(std::string_view id_number);

class CardBook {
 public:
  // Reads the persons' cards of a fixtures set (ManifestError naming the file when it cannot).
  CardBook(std::uint32_t facility, const std::filesystem::path& cards_from = {});
  GateCard card_for(const std::string& id_number) const;
  std::size_t listed() const { return cards_.size(); }

 private:
  std::uint32_t facility_;
  std::unordered_map<std::string, GateCard> cards_;
};

// The frame bits the terminal sends for a card, degraded knobs applied.
std::string gate_frame_bits(const GateCard& card, const std::string& format, bool bad_parity, bool wrong_format);

// Serialises edges from the Wiegand transmitter and the door relay onto one sink.
class SharedSink final : public wiegand::EdgeSink {
 public:
  explicit SharedSink(std::unique_ptr<wiegand::EdgeSink> sink) : sink_(std::move(sink)) {}
  void write(const wiegand::Edge& e) override;
  std::string describe() const override { return sink_->describe(); }
  bool carries_time() const override { return sink_->carries_time(); }
  wiegand::EdgeSink& inner() { return *sink_; }

 private:
  std::mutex mu_;
  std::unique_ptr<wiegand::EdgeSink> sink_;
};

// The sink the config names: GPIO outputs (d0, d1, relay) or the virtual wire (the default path
// when none is given). Throws std::runtime_error naming the chip or path.
std::unique_ptr<wiegand::EdgeSink> open_gate_sink(const WiegandOutConfig& c);

struct GateOutput {
  std::string bits;
  GateCard card;
  wiegand::TransmitReport report;
};

class WiegandOut {
 public:
  WiegandOut(const WiegandOutConfig& config, const DegradedTerminal& degraded, wiegand::EdgeSink& sink);
  // Sends the person's card with the first falling edge at `start` (now when 0 or past); blocks
  // until the frame is out (about bits x interval after start).
  GateOutput send_card(const std::string& id_number, MonoNs start = 0);
  // Sends a card that belongs to nobody enrolled (a visitor's, from a QR code).
  GateOutput send(const GateCard& card, MonoNs start = 0);
  const CardBook& cards() const { return cards_; }

 private:
  WiegandOutConfig config_;
  bool bad_parity_, wrong_format_;
  CardBook cards_;
  wiegand::WiegandTransmitter transmitter_;
};

}  // namespace gaterig::device
