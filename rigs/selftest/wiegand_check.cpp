// The Wiegand probe against a known transmitter on the virtual wire: every frame sent at typical
// terminal timing must come back decoded with its facility and card, no finding invented, no edge
// lost. The probe is the rig's ground truth for "the terminal opened the gate" (JX-A.10).
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "probes/wiegand/capture.hpp"
#include "probes/wiegand/layout.hpp"
#include "probes/wiegand/transmitter.hpp"
#include "probes/wiegand/virtual_wire.hpp"
#include "reports/statistics/latency.hpp"
#include "rigs/selftest/check.hpp"

namespace gaterig::rig {

CheckResult check_wiegand(const SelftestOptions& o) {
  return run_check("wiegand.loopback", "frames sent on the virtual wire decode to the card sent",
                   [&](CheckResult& r) {
    using namespace std::chrono_literals;
    namespace wg = gaterig::wiegand;
    std::filesystem::create_directories(o.work_dir);
    const std::string path = (o.work_dir / "wiegand.sock").string();
    wg::VirtualWireSource source(path);
    wg::CaptureOptions copts;
    const int frames = std::max(2, o.frames / 2);
    copts.max_frames = static_cast<std::uint64_t>(frames);
    wg::WiegandCapture capture(source, copts);

    struct Seen { wg::WiegandFrame frame; MonoNs decoded_at; };
    std::mutex mu;
    std::condition_variable arrived;
    std::vector<Seen> seen;
    capture.on_frame([&](const wg::WiegandFrame& f) {
      {
        std::lock_guard lock(mu);
        seen.push_back({f, mono_now()});
      }
      arrived.notify_all();
    });
    std::thread capturing([&] { capture.run(); });

    // What the sender achieved, not what it planned: on a loaded machine a pulse can stretch, and
    // then the probe must say so (and only then).
    struct Sent { std::string bits; std::uint32_t facility, card; bool wg34; bool width_out_of_spec; };
    std::vector<Sent> sent;
    {
      wg::VirtualWireSink sink(path);
      wg::WiegandTransmitter tx(sink, wg::PulseTiming{50us, 1000us});
      const auto silence = copts.decoder.silence;
      MonoNs next = mono_now() + 1'000'000;
      for (int i = 0; i < frames; ++i) {
        const bool wg34 = i % 2;
        const std::uint32_t facility = (o.seed * 37 + static_cast<std::uint64_t>(i) * 11) % (wg34 ? 65536 : 256);
        const std::uint32_t card = static_cast<std::uint32_t>((o.seed * 7919 + static_cast<std::uint64_t>(i) * 104729) % 65536);
        const std::string bits = wg34 ? wg::wg34_bits(facility, card) : wg::wg26_bits(facility, card);
        const auto report = tx.send(bits, next);
        bool out = false;
        for (auto w : report.widths) out = out || w < 20'000 || w > 100'000;
        sent.push_back({bits, facility, card, wg34, out});
        // Each frame closes on the reader's clock (silence + delivery slack), not on the next edge.
        next = report.last_edge + std::chrono::duration_cast<std::chrono::nanoseconds>(silence).count() +
               copts.delivery_slack.count() + 5'000'000;
        if (o.progress && (i + 1) % 50 == 0)
          o.progress("wiegand: " + std::to_string(i + 1) + "/" + std::to_string(frames) + " frames sent");
      }
    }
    // The last frame closes after the silence; give the capture a bounded time to report it.
    {
      std::unique_lock lock(mu);
      arrived.wait_for(lock, 5s, [&] { return seen.size() >= sent.size(); });
    }
    capture.stop();
    capturing.join();

    std::lock_guard lock(mu);
    int right = 0, wrong = 0, other_findings = 0, disagree = 0, stretched = 0;
    // last edge → frame decoded, less the silence that ends it and the slack a live reader allows
    // for edges still on their way (CaptureOptions::delivery_slack)
    std::vector<std::int64_t> latency;
    const auto silence_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(copts.decoder.silence).count() +
                            copts.delivery_slack.count();
    for (std::size_t i = 0; i < seen.size(); ++i) {
      const auto& f = seen[i].frame;
      const bool width_finding = f.has("pulse-too-long") || f.has("pulse-too-short");
      for (const auto& finding : f.findings)
        other_findings += finding.rule != "pulse-too-long" && finding.rule != "pulse-too-short";
      if (i < sent.size()) {
        stretched += sent[i].width_out_of_spec;
        disagree += width_finding != sent[i].width_out_of_spec;
      }
      if (i < sent.size() && f.bits == sent[i].bits && f.facility == sent[i].facility && f.card == sent[i].card)
        ++right;
      else
        ++wrong;
      latency.push_back(std::max<std::int64_t>(0, seen[i].decoded_at - f.last_edge - silence_ns));
    }
    const auto lat = statistics::summarize_latency(latency);
    const auto stats = source.stats();
    auto& m = r.measurements;
    m.push_back({"frames sent", static_cast<double>(sent.size()), "frames", {}, {}});
    m.push_back({"decoded right", static_cast<double>(right), "frames", static_cast<double>(sent.size()), {}});
    m.push_back({"decoded wrong or invented", static_cast<double>(wrong), "frames", 0, 0});
    m.push_back({"findings other than pulse width", static_cast<double>(other_findings), "findings", 0, 0});
    m.push_back({"width findings ≠ widths achieved", static_cast<double>(disagree), "frames", 0, 0});
    m.push_back({"frames the sender stretched (load)", static_cast<double>(stretched), "frames", {}, {}});
    m.push_back({"edges lost on the wire", static_cast<double>(stats.lost), "edges", 0, 0});
    m.push_back({"decode latency p50 (after silence)", static_cast<double>(lat.p50.value) / 1e6, "ms", {}, {}});
    m.push_back({"decode latency p99 (after silence)", static_cast<double>(lat.p99.value) / 1e6, "ms", {}, 20});
  });
}

}  // namespace gaterig::rig
