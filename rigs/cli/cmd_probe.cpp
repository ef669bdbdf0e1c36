// `gaterig probe wiegand`: capture Wiegand frames (GPIO, the virtual wire, or a recorded trace),
// print them, optionally record the edges. `gaterig probe wiegand-send`: put a card on the wire
// (the rig self-test, or trying the probe by hand).
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/stop_signal.hpp"
#include "probes/wiegand/capture.hpp"
#include "probes/wiegand/gpio_source.hpp"
#include "probes/wiegand/layout.hpp"
#include "probes/wiegand/trace.hpp"
#include "probes/wiegand/transmitter.hpp"
#include "probes/wiegand/virtual_wire.hpp"
#include "rigs/cli/commands.hpp"
#ifdef GATERIG_HAVE_GPIOD
#include "probes/wiegand/gpiod_lines.hpp"
#endif

namespace gaterig::cli {

namespace {
using namespace gaterig::wiegand;
using namespace std::chrono_literals;

struct GpioWiring {
  std::string chip;
  int d0 = -1, d1 = -1, photodiode = -1, relay = -1;
};

struct CaptureArgs {
  std::string virtual_wire = default_virtual_wire_path();
  GpioWiring gpio;
  std::string replay, record;
  double silence_ms = 25;
  double glitch_us = 10;
  std::string format = "auto";
  bool json = false;
  std::uint64_t count = 0;
  double duration_s = 0;
};

struct SendArgs {
  std::string virtual_wire = default_virtual_wire_path();
  GpioWiring gpio;
  std::string format = "wg26";
  std::uint32_t facility = 0, card = 0;
  std::optional<std::uint32_t> data;
  std::string bits;
  double width_us = 50, interval_us = 2000, gap_ms = 30;
  unsigned repeat = 1;
  bool json = false;
  bool realtime = false;
};

// Lets SIGINT/SIGTERM stop whatever is running now, and nothing once it has returned (the
// StopSignal callback outlives the command).
class StopHook {
 public:
  explicit StopHook(std::function<void()> stop) : state_(std::make_shared<State>()) {
    state_->stop = std::move(stop);
    StopSignal::instance().on_stop([s = state_] {
      std::lock_guard lock(s->mu);
      if (s->stop) s->stop();
    });
  }
  ~StopHook() {
    std::lock_guard lock(state_->mu);
    state_->stop = nullptr;
  }
  bool fired() const { return StopSignal::instance().requested(); }

 private:
  struct State {
    std::mutex mu;
    std::function<void()> stop;
  };
  std::shared_ptr<State> state_;
};

std::vector<unsigned> offsets_and_roles(const GpioWiring& w, std::vector<Line>& roles, bool inputs) {
  if (w.d0 < 0 || w.d1 < 0) throw CLI::ValidationError("--chip", "needs both --d0 and --d1 line offsets");
  std::vector<unsigned> offsets = {static_cast<unsigned>(w.d0), static_cast<unsigned>(w.d1)};
  roles = {Line::d0, Line::d1};
  if (inputs && w.photodiode >= 0) {
    offsets.push_back(static_cast<unsigned>(w.photodiode));
    roles.push_back(Line::photodiode);
  }
  if (inputs && w.relay >= 0) {
    offsets.push_back(static_cast<unsigned>(w.relay));
    roles.push_back(Line::relay);
  }
  return offsets;
}

std::unique_ptr<EdgeSource> open_source(const CaptureArgs& a) {
  if (!a.replay.empty()) return std::make_unique<TraceSource>(a.replay);
  if (!a.gpio.chip.empty()) {
#ifdef GATERIG_HAVE_GPIOD
    std::vector<Line> roles;
    const auto offsets = offsets_and_roles(a.gpio, roles, true);
    return std::make_unique<GpioEdgeSource>(open_gpiod_inputs(a.gpio.chip, offsets, "gaterig-wiegand"), roles);
#else
    throw std::runtime_error("this gaterig was built without libgpiod (GATERIG_WITH_GPIOD=OFF): --chip is unavailable");
#endif
  }
  return std::make_unique<VirtualWireSource>(a.virtual_wire);
}

std::unique_ptr<EdgeSink> open_sink(const SendArgs& a) {
  if (!a.gpio.chip.empty()) {
#ifdef GATERIG_HAVE_GPIOD
    std::vector<Line> roles;
    const auto offsets = offsets_and_roles(a.gpio, roles, false);
    return std::make_unique<GpioEdgeSink>(open_gpiod_outputs(a.gpio.chip, offsets, "gaterig-wiegand-send"), roles);
#else
    throw std::runtime_error("this gaterig was built without libgpiod (GATERIG_WITH_GPIOD=OFF): --chip is unavailable");
#endif
  }
  return std::make_unique<VirtualWireSink>(a.virtual_wire);
}

std::chrono::nanoseconds from_ms(double ms) { return std::chrono::nanoseconds(static_cast<std::int64_t>(ms * 1e6)); }
std::chrono::nanoseconds from_us(double us) { return std::chrono::nanoseconds(static_cast<std::int64_t>(us * 1e3)); }

int run_capture(const CaptureArgs& a) {
  CaptureOptions options;
  options.decoder.silence = from_ms(a.silence_ms);
  options.decoder.limits.glitch_below = from_us(a.glitch_us);
  options.decoder.expect = a.format == "auto" ? Format::raw : *parse_format(a.format);
  if (a.count) options.max_frames = a.count;
  if (a.duration_s > 0) options.duration = from_ms(a.duration_s * 1000);

  if (!a.gpio.chip.empty() && (a.gpio.d0 < 0 || a.gpio.d1 < 0))
    throw CLI::ValidationError("--chip", "needs both --d0 and --d1 line offsets");
  std::unique_ptr<EdgeSource> source;
  try {
    source = open_source(a);
  } catch (const TraceError& e) {
    std::cerr << "gaterig probe wiegand: malformed trace: " << e.what() << "\n";
    return kUsage;
  } catch (const std::runtime_error& e) {
    const bool input_file = !a.replay.empty();
    std::cerr << "gaterig probe wiegand: " << e.what() << "\n";
    return input_file ? kUsage : kRigError;
  }
  std::unique_ptr<TraceWriter> recorder;
  if (!a.record.empty()) {
    recorder = std::make_unique<TraceWriter>(
        a.record, Json{{"source", source->describe()}, {"recorded_at", format_iso_utc(wall_now())}});
  }

  WiegandCapture capture(*source, options);
  capture.on_frame([&](const WiegandFrame& f) {
    if (a.json)
      std::cout << f.to_json().dump() << std::endl;
    else
      std::cout << describe_long(f) << std::flush;
  });
  if (recorder) capture.on_edge([&](const Edge& e) { recorder->write(e); });

  StopHook hook([&] { capture.stop(); });
  // The readiness line scripts wait for before they start sending.
  std::cerr << "gaterig probe wiegand: capturing from " << source->describe() << " ("
            << options.decoder << ")" << std::endl;
  CaptureSummary summary;
  try {
    summary = capture.run();
  } catch (const TraceError& e) {
    std::cerr << "gaterig probe wiegand: malformed trace: " << e.what() << "\n";
    return kUsage;
  }
  if (recorder) {
    recorder->flush();
    std::cerr << "gaterig probe wiegand: recorded " << recorder->edges() << " edges to " << recorder->path() << "\n";
  }
  std::cerr << "gaterig probe wiegand: " << summary << "\n";
  if (auto* gpio = dynamic_cast<GpioEdgeSource*>(source.get()); gpio && !gpio->error().empty()) {
    std::cerr << "gaterig probe wiegand: GPIO reader failed: " << gpio->error() << "\n";
    return kRigError;
  }
  // An open-ended live capture is meant to end with Ctrl-C; one with a goal did not reach it.
  const bool had_goal = options.max_frames || options.duration || !a.replay.empty();
  const bool reached = options.max_frames && summary.frames >= *options.max_frames;
  if (summary.stopped && hook.fired() && had_goal && !reached) return kInterrupted;
  return kOk;
}

std::string frame_bits(const SendArgs& a) {
  if (!a.bits.empty()) {
    if (a.bits.find_first_not_of("01") != std::string::npos)
      throw CLI::ValidationError("--bits", "must hold only '0' and '1'");
    return a.bits;
  }
  try {
    if (a.format == "wg26") return wg26_bits(a.facility, a.card);
    return a.data ? wg34_bits(*a.data) : wg34_bits(a.facility, a.card);
  } catch (const std::invalid_argument& e) {
    throw CLI::ValidationError("--facility/--card", e.what());
  }
}

int run_send(const SendArgs& a) {
  const std::string bits = frame_bits(a);
  const PulseTiming timing{from_us(a.width_us), from_us(a.interval_us)};
  if (timing.width >= timing.interval || timing.width.count() <= 0)
    throw CLI::ValidationError("--width-us", "must be positive and shorter than --interval-us");
  if (!a.gpio.chip.empty() && (a.gpio.d0 < 0 || a.gpio.d1 < 0))
    throw CLI::ValidationError("--chip", "needs both --d0 and --d1 line offsets");
  if (a.realtime)
    if (const auto why = request_realtime_priority(); !why.empty())
      std::cerr << "gaterig probe wiegand-send: --realtime: " << why << "; pacing without it\n";
  std::unique_ptr<EdgeSink> sink;
  try {
    sink = open_sink(a);
  } catch (const std::runtime_error& e) {
    std::cerr << "gaterig probe wiegand-send: " << e.what() << "\n";
    return kRigError;
  }
  WiegandTransmitter tx(*sink, timing);
  bool stop = false;
  std::mutex mu;
  StopHook hook([&] {
    std::lock_guard lock(mu);
    stop = true;
  });
  MonoNs next = mono_now();
  for (unsigned i = 0; i < a.repeat; ++i) {
    {
      std::lock_guard lock(mu);
      if (stop) return kInterrupted;
    }
    const auto r = tx.send(bits, next);
    next = r.last_edge + from_ms(a.gap_ms).count();
    if (a.json) {
      std::cout << Json{{"frame", i + 1},
                        {"bits", bits},
                        {"first_edge_ns", r.first_edge},
                        {"last_edge_ns", r.last_edge},
                        {"width_error_min_ns", r.width_error_min},
                        {"width_error_max_ns", r.width_error_max},
                        {"lateness_max_ns", r.lateness_max}}
                       .dump()
                << std::endl;
    } else {
      std::cout << "sent #" << i + 1 << " " << bits << " (" << bits.size() << " bits) first edge "
                << format_mono(r.first_edge) << ", width error " << r.width_error_min << ".."
                << r.width_error_max << " ns, latest edge " << r.lateness_max << " ns late" << std::endl;
    }
    if (i + 1 < a.repeat) wait_until(next);
  }
  std::cerr << "gaterig probe wiegand-send: " << *sink << "\n";
  if (auto* wire = dynamic_cast<VirtualWireSink*>(sink.get()); wire && wire->dropped() > 0) {
    std::cerr << "gaterig probe wiegand-send: " << wire->dropped() << " edges dropped: no receiver on "
              << a.virtual_wire << " (start `gaterig probe wiegand` first)\n";
    return kRigError;
  }
  return kOk;
}

void add_wiring_options(CLI::App* cmd, GpioWiring& w, std::string& wire, bool inputs) {
  cmd->add_option("--virtual-wire", wire, "Unix socket path of the virtual wire (used unless --chip or --replay)")
      ->capture_default_str();
  auto* chip = cmd->add_option("--chip", w.chip, "GPIO chip (gpiochip0, /dev/gpiochip0 or its label)");
  cmd->add_option("--d0", w.d0, "line offset of D0")->needs(chip)->check(CLI::NonNegativeNumber);
  cmd->add_option("--d1", w.d1, "line offset of D1")->needs(chip)->check(CLI::NonNegativeNumber);
  if (inputs) {
    cmd->add_option("--photodiode", w.photodiode, "line offset of the photodiode comparator (optional)")
        ->needs(chip)
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--relay", w.relay, "line offset of the turnstile relay (optional)")
        ->needs(chip)
        ->check(CLI::NonNegativeNumber);
  }
}
}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
  auto* probe = app.add_subcommand("probe", "Run one instrument on its own and print what it sees");
  probe->require_subcommand(1);

  auto cap = std::make_shared<CaptureArgs>();
  auto* wiegand = probe->add_subcommand(
      "wiegand",
      "Capture Wiegand frames and judge them against SPEC.md (width 20-100 us, interval 200 us-20 ms).\n"
      "Sources: --chip/--d0/--d1 (libgpiod), --replay FILE (a trace, TRACE_FORMAT.md), else the virtual wire.\n"
      "Frames go to stdout (--json: one object per line), the summary to stderr. Exit 0 when it ran\n"
      "(findings or not), 2 on a malformed trace or bad options, 3 when the source fails, 130 when\n"
      "SIGINT/SIGTERM came before --count/--duration was reached.");
  add_wiring_options(wiegand, cap->gpio, cap->virtual_wire, true);
  auto* replay = wiegand->add_option("--replay", cap->replay, "replay a recorded trace instead of capturing");
  wiegand->get_option("--chip")->excludes(replay);
  wiegand->add_option("--record", cap->record, "also write every edge to this trace file");
  wiegand->add_option("--silence-ms", cap->silence_ms, "silence that ends a frame")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  wiegand->add_option("--glitch-us", cap->glitch_us, "pulses shorter than this are noise, not bits")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  wiegand->add_option("--format", cap->format, "expected layout")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "wg26", "wg34"}));
  wiegand->add_flag("--json", cap->json, "one JSON object per frame on stdout");
  wiegand->add_option("--count", cap->count, "stop after this many frames")->check(CLI::PositiveNumber);
  wiegand->add_option("--duration", cap->duration_s, "stop after this many seconds")->check(CLI::PositiveNumber);
  wiegand->callback([cap, &exit_code] { exit_code = run_capture(*cap); });

  auto snd = std::make_shared<SendArgs>();
  auto* send = probe->add_subcommand(
      "wiegand-send",
      "Transmit a card on the virtual wire (or GPIO outputs with --chip), paced in real time.\n"
      "Prints the achieved timing of each frame. Exit 3 when nobody received it on the virtual wire.");
  add_wiring_options(send, snd->gpio, snd->virtual_wire, false);
  send->add_option("--format", snd->format, "layout")->capture_default_str()->check(CLI::IsMember({"wg26", "wg34"}));
  send->add_option("--facility", snd->facility, "facility code (WG26: 0-255, WG34: 0-65535)");
  send->add_option("--card", snd->card, "card number (0-65535)");
  send->add_option("--data", snd->data, "WG34: the 32 data bits as one number (instead of --facility/--card)");
  send->add_option("--bits", snd->bits, "send exactly these bits ('0'/'1', any count, parity as given)");
  send->add_option("--width-us", snd->width_us, "pulse width")->capture_default_str()->check(CLI::PositiveNumber);
  send->add_option("--interval-us", snd->interval_us, "pulse interval (falling to falling)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  send->add_option("--repeat", snd->repeat, "frames to send")->capture_default_str()->check(CLI::PositiveNumber);
  send->add_option("--gap-ms", snd->gap_ms, "silence between repeated frames")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  send->add_flag("--json", snd->json, "one JSON object per frame sent");
  send->add_flag("--realtime", snd->realtime,
                 "pace with SCHED_FIFO (needs CAP_SYS_NICE) so preemption does not stretch pulses");
  send->callback([snd, &exit_code] { exit_code = run_send(*snd); });
}

}  // namespace gaterig::cli
