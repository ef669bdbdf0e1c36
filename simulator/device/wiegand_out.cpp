#include "simulator/device/wiegand_out.hpp"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstring>
#include <stdexcept>

#include "core/log.hpp"

#include "core/crypto.hpp"
#include "fixtures/manifest.hpp"
#include "probes/wiegand/gpio_source.hpp"
#include "probes/wiegand/layout.hpp"
#include "probes/wiegand/virtual_wire.hpp"
#ifdef GATERIG_HAVE_GPIOD
#include "probes/wiegand/gpiod_lines.hpp"
#endif

namespace gaterig::device {

namespace {

// SCHED_FIFO on the calling thread for one frame, the thread's own policy back afterwards. Only
// for the frame: the thread that decides also runs face inference, and a real-time thread busy
// with inference would starve everything else on the machine. The transmitter sleeps between
// edges and spins only the last 200 µs before each, so a frame costs little CPU at this priority.
// No mlockall: it is process-wide (models, gallery, queue), and the few pages the send path
// touches are hot already.
class RealtimeFrame {
 public:
  explicit RealtimeFrame(bool wanted) {
    if (!wanted || ::pthread_getschedparam(::pthread_self(), &policy_, &param_) != 0) return;
    if (policy_ == SCHED_FIFO || policy_ == SCHED_RR) return;  // already real-time: leave it
    const std::string why = wiegand::request_realtime_priority(kPriority);
    raised_ = why.empty();
    static std::atomic<bool> told{false};
    if (!raised_ && !told.exchange(true))
      LOG_WARN("devsim", "wiegand: " << why << " (needs CAP_SYS_NICE); pulses may stretch under load");
    else if (raised_ && !told.exchange(true))
      LOG_INFO("devsim", "wiegand: frames sent at SCHED_FIFO priority " << kPriority);
  }
  ~RealtimeFrame() {
    if (raised_) ::pthread_setschedparam(::pthread_self(), policy_, &param_);
  }
  RealtimeFrame(const RealtimeFrame&) = delete;
  RealtimeFrame& operator=(const RealtimeFrame&) = delete;

 private:
  static constexpr int kPriority = 50;
  int policy_ = SCHED_OTHER;
  sched_param param_{};
  bool raised_ = false;
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const GateCard& c) { return os << c.facility << ":" << c.number; }

std::uint32_t derived_card_number(std::string_view id_number) {
  const std::string h = crypto::sha256(id_number);
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(h[0])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(h[1]));
}

CardBook::CardBook(std::uint32_t facility, const std::filesystem::path& cards_from) : facility_(facility) {
  if (cards_from.empty()) return;
  const fixtures::FixtureSet set = fixtures::load_manifest(cards_from);
  for (const auto& p : set.persons)
    if (!p.id_number.empty()) cards_[p.id_number] = GateCard{p.card.facility, p.card.number};
}

GateCard CardBook::card_for(const std::string& id_number) const {
  if (auto it = cards_.find(id_number); it != cards_.end()) return it->second;
  return GateCard{facility_, derived_card_number(id_number)};
}

std::string gate_frame_bits(const GateCard& card, const std::string& format, bool bad_parity, bool wrong_format) {
  const bool wg26 = (format == "wg26") != wrong_format;
  std::string bits = wg26 ? wiegand::wg26_bits(card.facility & 0xFFu, card.number & 0xFFFFu)
                          : wiegand::wg34_bits(card.facility & 0xFFFFu, card.number & 0xFFFFu);
  if (bad_parity) bits.back() = bits.back() == '1' ? '0' : '1';
  return bits;
}

void SharedSink::write(const wiegand::Edge& e) {
  std::lock_guard lock(mu_);
  sink_->write(e);
}

std::unique_ptr<wiegand::EdgeSink> open_gate_sink(const WiegandOutConfig& c) {
  if (!c.gpio_chip.empty()) {
#ifdef GATERIG_HAVE_GPIOD
    std::vector<unsigned> offsets{static_cast<unsigned>(c.gpio_d0), static_cast<unsigned>(c.gpio_d1)};
    std::vector<wiegand::Line> roles{wiegand::Line::d0, wiegand::Line::d1};
    if (c.gpio_relay >= 0) {
      offsets.push_back(static_cast<unsigned>(c.gpio_relay));
      roles.push_back(wiegand::Line::relay);
    }
    return std::make_unique<wiegand::GpioEdgeSink>(wiegand::open_gpiod_outputs(c.gpio_chip, offsets, "gaterig-devsim"),
                                                   roles);
#else
    throw std::runtime_error("wiegand.gpio_chip '" + c.gpio_chip + "': this gaterig was built without libgpiod");
#endif
  }
  return std::make_unique<wiegand::VirtualWireSink>(c.virtual_wire.empty() ? wiegand::default_virtual_wire_path()
                                                                            : c.virtual_wire);
}

WiegandOut::WiegandOut(const WiegandOutConfig& config, const DegradedTerminal& degraded, wiegand::EdgeSink& sink)
    : config_(config),
      bad_parity_(degraded.bad_parity),
      wrong_format_(degraded.wrong_format),
      cards_(config.facility, config.cards_from),
      transmitter_(sink, wiegand::PulseTiming{config.pulse_width, config.pulse_interval},
                   config.timing == "hardware" ? wiegand::EdgeTimes::planned : wiegand::EdgeTimes::achieved) {}

GateOutput WiegandOut::send_card(const std::string& id_number, MonoNs start) {
  return send(cards_.card_for(id_number), start);
}

GateOutput WiegandOut::send(const GateCard& card, MonoNs start) {
  GateOutput out;
  out.card = card;
  out.bits = gate_frame_bits(out.card, config_.format, bad_parity_, wrong_format_);
  const RealtimeFrame realtime(config_.realtime);
  out.report = transmitter_.send(out.bits, start);
  return out;
}

}  // namespace gaterig::device
