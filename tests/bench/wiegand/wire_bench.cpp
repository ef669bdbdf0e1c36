// Virtual-wire capture, measured: a sender thread transmits N frames in real time through the
// paced transmitter (VirtualWireSink) while the capture (VirtualWireSource → decoder) runs on the
// main thread, as the rig captures the simulated terminal. Reports loss and latency as JSON:
//   edge latency      edge written (its timestamp) → edge handed to the decoder
//   frame total       last edge written → frame event (includes the silence that ends a frame)
//   frame after silence  (last edge + silence) → frame event: the capture's own delay
#include <algorithm>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "probes/wiegand/capture.hpp"
#include "probes/wiegand/layout.hpp"
#include "probes/wiegand/transmitter.hpp"
#include "probes/wiegand/virtual_wire.hpp"

using namespace gaterig;
using namespace gaterig::wiegand;

namespace {
Json percentiles(std::vector<std::int64_t> v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))]; };
  return Json{{"n", v.size()}, {"p50_us", at(0.50) / 1000.0}, {"p99_us", at(0.99) / 1000.0},
              {"max_us", v.back() / 1000.0}, {"min_us", v.front() / 1000.0}};
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Virtual-wire capture benchmark: loss and latency at a given frame rate"};
  std::uint64_t frames = 1000;
  double width_us = 20, interval_us = 200, gap_ms = 25, silence_ms = 25;
  std::string format = "wg26", path;
  bool realtime = false;
  app.add_option("--frames", frames, "frames to send")->capture_default_str();
  app.add_option("--width-us", width_us)->capture_default_str();
  app.add_option("--interval-us", interval_us)->capture_default_str();
  app.add_option("--gap-ms", gap_ms, "silence between frames (last edge → next first edge)")->capture_default_str();
  app.add_option("--silence-ms", silence_ms, "decoder silence")->capture_default_str();
  app.add_option("--format", format)->check(CLI::IsMember({"wg26", "wg34"}))->capture_default_str();
  app.add_option("--wire", path, "socket path (default: a fresh one under /tmp)");
  app.add_flag("--realtime", realtime, "sender (priority 50) and capture (40) threads SCHED_FIFO");
  CLI11_PARSE(app, argc, argv);
  std::string dir;
  if (path.empty()) {
    // A private directory: a long run must not lose its socket to someone tidying /tmp.
    char tmpl[] = "/tmp/wiegand-wire-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) {
      std::perror("mkdtemp");
      return 3;
    }
    dir = tmpl;
    path = dir + "/wire.sock";
  }

  VirtualWireSource source(path);
  CaptureOptions options;
  options.decoder.silence = std::chrono::nanoseconds(static_cast<std::int64_t>(silence_ms * 1e6));
  options.max_frames = frames;
  WiegandCapture capture(source, options);

  auto bits_of = [&](std::uint64_t i) {
    return format == "wg26" ? wg26_bits(static_cast<std::uint32_t>(i % 256), static_cast<std::uint32_t>(i % 65536))
                            : wg34_bits(static_cast<std::uint32_t>(i * 2654435761u));
  };
  std::vector<std::int64_t> edge_latency, frame_total, frame_after_silence;
  edge_latency.reserve(frames * 70);
  std::uint64_t wrong = 0, missing = 0, content_findings = 0, timing_findings = 0, next_index = 0;
  std::uint64_t summary_frames_seen = 0;
  capture.on_edge([&](const Edge& e) { edge_latency.push_back(mono_now() - e.at); });
  capture.on_frame([&](const WiegandFrame& f) {
    const MonoNs now = mono_now();
    frame_total.push_back(now - f.last_edge);
    frame_after_silence.push_back(now - f.last_edge - options.decoder.silence.count());
    // Match against what was sent, in order, resynchronising over up to 8 missing frames, so one
    // split or lost frame counts once instead of shifting every later comparison.
    bool matched = false;
    for (std::uint64_t k = 0; k < 8 && next_index + k < frames; ++k) {
      if (f.bits == bits_of(next_index + k)) {
        missing += k;
        next_index += k + 1;
        matched = true;
        break;
      }
    }
    if (!matched) {
      ++wrong;
      if (wrong <= 5) std::cerr << "bench_wiegand_wire: unexpected frame " << describe_long(f);
    }
    bool content = false, timing = false;
    for (const auto& x : f.findings) {
      const bool t = x.rule == rule::pulse_too_long || x.rule == rule::interval_too_long ||
                     x.rule == rule::pulse_too_short || x.rule == rule::interval_too_short;
      (t ? timing : content) = true;
    }
    content_findings += content;
    timing_findings += timing;
    if (summary_frames_seen++ % 10000 == 9999)
      std::cerr << "bench_wiegand_wire: " << summary_frames_seen << " frames, " << wrong << " unexpected, " << missing << " missing, "
                << source.stats().lost << " edges lost" << std::endl;
  });

  std::string rt_status = "off";
  std::int64_t width_err_min = 0, width_err_max = 0, late_max = 0;
  std::uint64_t dropped = 0;
  const MonoNs started = mono_now();
  std::thread sender([&] {
    if (realtime) {
      const auto why = request_realtime_priority();
      rt_status = why.empty() ? "SCHED_FIFO" : why;
    }
    VirtualWireSink sink(path, std::chrono::milliseconds(2000));
    WiegandTransmitter tx(sink, {std::chrono::nanoseconds(static_cast<std::int64_t>(width_us * 1000)),
                                 std::chrono::nanoseconds(static_cast<std::int64_t>(interval_us * 1000))});
    MonoNs next = mono_now() + 10'000'000;
    for (std::uint64_t i = 0; i < frames; ++i) {
      const auto r = tx.send(bits_of(i), next);
      width_err_min = i ? std::min(width_err_min, r.width_error_min) : r.width_error_min;
      width_err_max = i ? std::max(width_err_max, r.width_error_max) : r.width_error_max;
      late_max = std::max(late_max, r.lateness_max);
      next = r.last_edge + static_cast<MonoNs>(gap_ms * 1e6);
    }
    dropped = sink.dropped();
    // Whatever was lost will never come: give the capture the silence and a second, then stop it.
    wait_until(next + static_cast<MonoNs>(silence_ms * 1e6) + 1'000'000'000);
    capture.stop();
  });
  if (realtime) request_realtime_priority(40);  // the capture too: a starved receiver backs up the wire
  const auto summary = capture.run();
  sender.join();
  const double seconds = static_cast<double>(mono_now() - started) / 1e9;

  const Json out{{"frames_sent", frames},
                 {"frames_captured", summary.frames},
                 {"frames_unexpected", wrong},
                 {"frames_missing", missing + (frames - std::min(frames, next_index))},
                 {"frames_with_content_findings", content_findings},
                 {"frames_with_timing_findings", timing_findings},
                 {"edges_dropped_by_sender", dropped},
                 {"edges_lost_on_wire", source.stats().lost},
                 {"seconds", seconds},
                 {"frames_per_second", static_cast<double>(summary.frames) / seconds},
                 {"timing", {{"width_us", width_us}, {"interval_us", interval_us}, {"gap_ms", gap_ms},
                             {"silence_ms", silence_ms}, {"format", format}, {"sender_priority", rt_status}}},
                 {"sender_width_error_ns", {{"min", width_err_min}, {"max", width_err_max}}},
                 {"sender_lateness_max_ns", late_max},
                 {"latency_edge_written_to_decoder", percentiles(edge_latency)},
                 {"latency_last_edge_to_frame_event_total", percentiles(frame_total)},
                 {"latency_frame_event_after_silence_window", percentiles(frame_after_silence)}};
  std::cout << out.dump(1) << std::endl;
  if (!dir.empty()) {
    ::unlink(path.c_str());  // the source would remove it on destruction, after main's last line
    ::rmdir(dir.c_str());
  }
  return summary.frames == frames && wrong == 0 && missing == 0 && next_index == frames && dropped == 0 ? 0 : 1;
}
