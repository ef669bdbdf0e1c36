#pragma once
// A capture run: edges from a source, through the decoder, onto the timeline as "wiegand.frame"
// events (and photodiode/relay edges as "gpio.edge" events). The same loop serves live capture
// (the silence that ends a frame is judged against mono_now()) and trace replay (frames close on
// the next edge or at the end of the trace).
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "core/event.hpp"
#include "probes/wiegand/decoder.hpp"
#include "probes/wiegand/edge.hpp"

namespace gaterig::wiegand {

struct CaptureOptions {
  DecoderConfig decoder;
  std::optional<std::uint64_t> max_frames;          // stop after this many frames
  std::optional<std::chrono::nanoseconds> duration;  // stop after this long (live sources)
  // Live sources: edges carry the time they happened (the sender's stamp on the virtual wire, the
  // kernel's on GPIO) but reach the reader later. A frame is closed on the reader's clock only
  // after the decoder's silence plus this much more with nothing arriving, so an edge stamped
  // within the silence but delivered late (the reader descheduled on a loaded machine, the
  // sender held up by the socket's 10-datagram queue) continues its frame instead of splitting
  // it. Stamps alone still decide where one frame ends and the next begins.
  std::chrono::nanoseconds delivery_slack = std::chrono::milliseconds(100);
  // Also publish a "wiegand.first_edge" event at a frame's first edge, as soon as that edge is
  // read: a trial runner learns THAT the terminal answered (and when) without waiting out the
  // frame, its silence and the delivery slack; the frame event follows with the same `at`.
  bool announce_frame_start = false;
};

struct CaptureSummary {
  std::uint64_t frames = 0, frames_ok = 0, edges = 0, other_edges = 0;
  std::map<std::string, std::uint64_t> findings;  // rule id → frames that had it
  MonoNs started = 0, ended = 0;                  // mono_now() at start and end of the run
  bool stopped = false;                           // stop() was called (e.g. SIGINT)
  Json to_json() const;
};
std::ostream& operator<<(std::ostream& os, const CaptureSummary& s);

inline constexpr std::string_view kGpioEdgeEventKind = "gpio.edge";

class WiegandCapture {
 public:
  // `events` may be null (frames then only reach on_frame).
  WiegandCapture(EdgeSource& source, CaptureOptions options, EventSink* events = nullptr);

  // Called on the capture thread, in order. Set them before run().
  void on_frame(std::function<void(const WiegandFrame&)> callback) { on_frame_ = std::move(callback); }
  void on_edge(std::function<void(const Edge&)> callback) { on_edge_ = std::move(callback); }

  // Runs until the source ends, max_frames or duration is reached, or stop() is called.
  // A frame still open at the end is closed and reported. Exceptions from the source propagate.
  CaptureSummary run();
  // Thread-safe: ends run() promptly.
  void stop();

 private:
  void emit(const WiegandFrame& f, CaptureSummary& s);
  bool done(const CaptureSummary& s) const;

  EdgeSource& source_;
  CaptureOptions options_;
  EventSink* events_;
  std::function<void(const WiegandFrame&)> on_frame_;
  std::function<void(const Edge&)> on_edge_;
  std::atomic<bool> stop_{false};
};

}  // namespace gaterig::wiegand
