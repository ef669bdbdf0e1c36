#include "probes/wiegand/capture.hpp"

#include <algorithm>

namespace gaterig::wiegand {

namespace {
// How often a live capture with nothing to do looks at its stop flag and duration.
constexpr MonoNs kIdlePoll = 100'000'000;
}  // namespace

Json CaptureSummary::to_json() const {
  const double seconds = static_cast<double>(ended - started) / 1e9;
  return Json{{"frames", frames},
              {"frames_ok", frames_ok},
              {"edges", edges},
              {"other_edges", other_edges},
              {"findings", findings},
              {"seconds", seconds},
              {"frames_per_second", seconds > 0 ? static_cast<double>(frames) / seconds : 0.0},
              {"stopped", stopped}};
}

std::ostream& operator<<(std::ostream& os, const CaptureSummary& s) {
  const double seconds = static_cast<double>(s.ended - s.started) / 1e9;
  os << s.frames << " frames (" << s.frames_ok << " without findings), " << s.edges << " edges";
  if (s.other_edges) os << " + " << s.other_edges << " photodiode/relay edges";
  os << " in " << seconds << " s";
  if (seconds > 0) os << " (" << static_cast<double>(s.frames) / seconds << " frames/s)";
  if (s.stopped) os << ", stopped";
  for (const auto& [rule, n] : s.findings) os << "; " << rule << ": " << n;
  return os;
}

WiegandCapture::WiegandCapture(EdgeSource& source, CaptureOptions options, EventSink* events)
    : source_(source), options_(std::move(options)), events_(events) {}

void WiegandCapture::stop() {
  stop_ = true;
  source_.stop();
}

bool WiegandCapture::done(const CaptureSummary& s) const {
  if (stop_) return true;
  if (options_.max_frames && s.frames >= *options_.max_frames) return true;
  if (options_.duration && mono_now() - s.started >= options_.duration->count()) return true;
  return false;
}

void WiegandCapture::emit(const WiegandFrame& f, CaptureSummary& s) {
  ++s.frames;
  if (f.ok()) ++s.frames_ok;
  for (const auto& finding : f.findings) ++s.findings[finding.rule];
  if (events_) events_->publish(f.to_event());
  if (on_frame_) on_frame_(f);
}

CaptureSummary WiegandCapture::run() {
  WiegandDecoder decoder(options_.decoder);
  CaptureSummary s;
  s.started = mono_now();
  const bool live = source_.live();
  while (!done(s)) {
    MonoNs deadline = mono_now() + kIdlePoll;
    if (options_.duration) deadline = std::min(deadline, s.started + options_.duration->count());
    if (const auto silence = decoder.silence_deadline())
      deadline = std::min(deadline, *silence + (live ? options_.delivery_slack.count() : 0));
    const auto edge = source_.next(deadline);
    if (!edge) {
      if (source_.ended()) break;
      // Nothing arrived before the deadline, so the source is drained up to now: a frame whose
      // silence has passed is complete.
      if (live)
        if (auto f = decoder.flush(mono_now() - options_.delivery_slack.count())) emit(*f, s);
      continue;
    }
    if (on_edge_) on_edge_(*edge);
    if (!is_data_line(edge->line)) {
      ++s.other_edges;
      if (events_)
        events_->publish(Event{edge->at, std::string(to_string(edge->line)), std::string(kGpioEdgeEventKind),
                               Json{{"line", std::string(to_string(edge->line))}, {"rising", edge->rising}}});
      continue;
    }
    ++s.edges;
    if (auto f = decoder.feed(*edge)) emit(*f, s);
    if (options_.announce_frame_start && events_ && decoder.open_edges() == 1)
      events_->publish(Event{edge->at, std::string(kEventSource), std::string(kFrameStartEventKind),
                             Json{{"line", std::string(to_string(edge->line))}}});
  }
  if (!(options_.max_frames && s.frames >= *options_.max_frames))
    if (auto f = decoder.finish()) emit(*f, s);
  s.stopped = stop_;
  s.ended = mono_now();
  return s;
}

}  // namespace gaterig::wiegand
