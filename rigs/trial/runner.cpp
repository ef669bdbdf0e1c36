#include "rigs/trial/runner.hpp"

#include <algorithm>
#include <map>

#include <opencv2/imgcodecs.hpp>

#include "core/log.hpp"
#include "core/stop_signal.hpp"
#include "probes/wiegand/frame.hpp"

namespace gaterig::trial {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

MonoNs ns(milliseconds d) { return duration_cast<nanoseconds>(d).count(); }

// The longest a started frame may take to be published: 34 bits at the widest legal interval
// (20 ms) is 0.7 s, plus the decoder's silence and the capture's delivery slack.
constexpr MonoNs kFrameCompletion = 2'000'000'000;

bool is_frame(const Event& e) { return e.kind == wiegand::kFrameEventKind; }
bool is_frame_start(const Event& e) { return e.kind == wiegand::kFrameStartEventKind; }

// Frames that started in [from, until) but whose frame event is not among `events` yet.
std::vector<MonoNs> unfinished_frames(const std::vector<Event>& events, MonoNs from, MonoNs until) {
  std::vector<MonoNs> open;
  for (const auto& e : events) {
    if (!is_frame_start(e) || e.at < from || e.at >= until) continue;
    const bool published = std::any_of(events.begin(), events.end(), [&](const Event& f) {
      // Edges merged from per-line buffers may be sorted earlier when the frame closes: a frame
      // is this start's when the start lies between its first and last edge.
      return is_frame(f) && f.at <= e.at && e.at <= f.payload.value("last_edge_ns", f.at);
    });
    if (!published) open.push_back(e.at);
  }
  return open;
}

// A trial that has been shown and whose window closed, waiting for the next photon (its late
// period ends there) before it is correlated.
struct Pending {
  const Trial* trial = nullptr;
  TrialWindow window;
  std::uint64_t cursor = 0;  // timeline seq before its photon
  std::string rig_fault;     // e.g. the neutral frame failed after its window
};

}  // namespace

TrialRunner::TrialRunner(display::Display& display, Timeline& timeline, const Correlator& correlator,
                         RunOptions options)
    : display_(display), timeline_(timeline), correlator_(correlator), options_(std::move(options)) {
  if (options_.poll <= milliseconds(0)) options_.poll = milliseconds(50);
}

bool TrialRunner::stop() const {
  if (options_.stop_requested) return options_.stop_requested();
  try {
    return StopSignal::instance().requested();
  } catch (const std::logic_error&) {
    return false;  // not installed (a library user without main's signal handling)
  }
}

bool TrialRunner::pause_until(MonoNs deadline, bool honour_stop) const {
  for (;;) {
    const MonoNs now = mono_now();
    if (now >= deadline) return true;
    if (honour_stop && stop()) return false;
    const auto slice = std::min<MonoNs>(deadline - now, ns(options_.poll));
    // Wakes on every event and re-waits: a deadline wait on the rig's one clock source.
    timeline_.wait_for(timeline_.last_seq(), [](const Event&) { return false; },
                       std::max(milliseconds(1), duration_cast<milliseconds>(nanoseconds(slice))));
  }
}

RunResult TrialRunner::run(const TrialPlan& plan) {
  RunResult result;
  const TrialTiming& timing = plan.timing();
  const WallClockMapping clock = WallClockMapping::capture();
  TrialJournal* journal = options_.journal;

  std::map<std::string, TrialOutcome> finished;  // by trial id
  if (journal)
    for (const auto& o : journal->outcomes())
      if (journal->done(o.trial)) finished.emplace(o.trial, o);
  for (const auto& t : plan.trials())
    if (finished.count(t.id)) ++result.resumed;

  const MonoNs session_start = mono_now();
  auto finish = [&](TrialOutcome o) {
    o.group = options_.group;
    o.clause = options_.clause;
    o.terminal_mode = options_.terminal_mode;
    if (journal) journal->append(o);
    ++result.ran;
    auto& stored = finished[o.trial] = std::move(o);
    if (options_.progress) {
      Progress pr;
      pr.total = plan.size();
      pr.resumed = result.resumed;
      pr.done = result.resumed + result.ran;
      const double elapsed = static_cast<double>(mono_now() - session_start) / 1e9;
      pr.rate_per_s = elapsed > 0 ? static_cast<double>(result.ran) / elapsed : 0.0;
      if (pr.rate_per_s > 0)
        pr.eta = std::chrono::seconds(static_cast<std::int64_t>(static_cast<double>(pr.total - pr.done) / pr.rate_per_s + 0.5));
      pr.last = &stored;
      options_.progress(pr);
    }
  };

  // Correlates the pending trial with everything up to `late_until`, once `settle` has passed
  // since late_until, so a frame whose first edge came just before it has been decoded and
  // published. Usually that time has passed already (the next trial's window lasted longer).
  // The window may have closed on a frame's first edge (wiegand.first_edge): every frame that
  // started before late_until is awaited until it is published, so the correlator sees it whole.
  auto settle_pending = [&](std::optional<Pending>& pending, MonoNs late_until) {
    if (!pending) return;
    pause_until(late_until + ns(timing.settle), /*honour_stop=*/false);
    Pending& pd = *pending;
    const Presentation& p = plan.presentation_of(*pd.trial);
    pd.window.late_until = std::max(late_until, pd.window.closes);
    std::vector<Event> events = timeline_.since(pd.cursor);
    for (auto open = unfinished_frames(events, pd.window.photon, pd.window.late_until); !open.empty();
         open = unfinished_frames(events, pd.window.photon, pd.window.late_until)) {
      const MonoNs due = *std::max_element(open.begin(), open.end()) + kFrameCompletion;
      if (mono_now() >= due) {
        if (pd.rig_fault.empty())
          pd.rig_fault = "a Wiegand frame started at " + wiegand::format_mono(open.front()) +
                         " but the capture never completed it (is the wire capture still running?)";
        break;
      }
      const std::uint64_t seen = events.empty() ? pd.cursor : events.back().seq;
      timeline_.wait_for(seen, is_frame, std::max(milliseconds(1), duration_cast<milliseconds>(nanoseconds(due - mono_now()))));
      events = timeline_.since(pd.cursor);
    }
    const bool lost = timeline_.dropped() > 0 &&
                      (events.empty() ? timeline_.last_seq() > pd.cursor : events.front().seq != pd.cursor + 1);
    TrialOutcome o = correlator_.correlate(*pd.trial, p, pd.window, events);
    if (lost) {
      o.outcome = OutcomeClass::error;
      o.error = "the timeline dropped events during the trial (capacity exceeded): its window cannot be judged";
    } else if (!pd.rig_fault.empty() && o.outcome != OutcomeClass::error) {
      o.outcome = OutcomeClass::error;
      o.error = pd.rig_fault;
    }
    finish(std::move(o));
    pending.reset();
  };

  auto rig_error = [&](const Trial& t, std::string what) {
    LOG_WARN("trial", t.id << ": " << what);
    finish(Correlator::error_outcome(t, plan.presentation_of(t), std::move(what)));
  };

  // The terminal sees an empty scene before the first face.
  try {
    display_.neutral();
  } catch (const std::exception& e) {
    LOG_WARN("trial", "neutral frame before the first trial failed: " << e.what());
  }
  result.stopped = !pause_until(mono_now() + ns(timing.gap), true);

  std::optional<Pending> pending;
  std::map<std::string, MonoNs> last_photon;  // per person, for the repeat window
  for (const Trial& t : plan.trials()) {
    if (result.stopped) break;
    if (finished.count(t.id)) continue;
    if (stop()) {
      result.stopped = true;
      break;
    }
    const Presentation& p = plan.presentation_of(t);

    // Images first: a missing file is the rig's problem, decided before anything is shown.
    std::vector<cv::Mat> frames;
    std::string missing;
    for (const auto& image : p.images) {
      const std::filesystem::path path =
          std::filesystem::path(image).is_absolute() ? std::filesystem::path(image) : options_.image_root / image;
      cv::Mat m = cv::imread(path.string(), cv::IMREAD_COLOR);
      if (m.empty()) {
        missing = path.string();
        break;
      }
      frames.push_back(std::move(m));
    }
    if (!missing.empty()) {
      rig_error(t, "cannot read image '" + missing + "' of presentation " + p.id + " (missing or not an image)");
      continue;
    }

    if (timing.repeat_window.count() > 0) {
      if (auto it = last_photon.find(p.person); it != last_photon.end())
        if (!pause_until(it->second + ns(timing.repeat_window), true)) {
          result.stopped = true;
          break;
        }
    }

    const std::uint64_t cursor = timeline_.last_seq();
    display::Shown shown;
    try {
      shown = display_.show(frames.front(), p.id);
    } catch (const std::exception& e) {
      rig_error(t, std::string("display failed to show the presentation: ") + e.what());
      continue;
    }
    const MonoNs photon = shown.photon;
    last_photon[p.person] = photon;

    // The window: ends at its deadline, or `settle` after the first frame's first edge (announced
    // before the frame is complete, which saves its length, silence and delivery slack per
    // accept); a rig.error ends it.
    MonoNs deadline = photon + ns(timing.window_for(p.expected));
    bool frame_seen = false;
    bool stopped_in_window = false;
    std::uint64_t scan = cursor;
    std::size_t frame_index = 0;
    MonoNs next_frame = photon + ns(timing.frame_interval);
    std::string fault;
    // A refusal that must upload a flagged record (no helmet, JX-A.5) is decided when the record
    // arrives: its window closes then instead of after the whole refusal window.
    const bool records_decide = p.expected == Expectation::refuse_with_record;
    for (;;) {
      const MonoNs now = mono_now();
      if (now >= deadline) break;
      if (stop()) {
        stopped_in_window = true;
        break;
      }
      MonoNs wake = deadline;
      if (frames.size() > 1) wake = std::min(wake, next_frame);
      const MonoNs slice = std::clamp<MonoNs>(std::min(wake - now, ns(options_.poll)), 1'000'000, ns(options_.poll));
      auto ev = timeline_.wait_for(
          scan,
          [&](const Event& e) {
            return e.at >= photon && (is_frame_start(e) || is_frame(e) || e.kind == kRigErrorKind ||
                                      (records_decide && correlator_.record_person(e) == p.person));
          },
          duration_cast<milliseconds>(nanoseconds(slice)));
      if (ev) {
        scan = ev->seq;
        if (ev->kind == kRigErrorKind) {
          deadline = std::min(deadline, mono_now());
        } else if (is_frame_start(ev.value()) || is_frame(ev.value())) {
          if (!frame_seen) {
            frame_seen = true;
            deadline = ev->at + ns(timing.settle);
          }
        } else if (!frame_seen) {
          // The person's record reached the platform: the terminal has decided. The record comes
          // after any gate output (or a few ms before it), so `settle` still sees a frame.
          deadline = std::min(deadline, ev->at + ns(timing.settle));
        }
      }
      if (frames.size() > 1 && mono_now() >= next_frame && mono_now() < deadline) {
        frame_index = (frame_index + 1) % frames.size();
        try {
          display_.show(frames[frame_index], p.id);
        } catch (const std::exception& e) {
          fault = std::string("display failed during the video presentation: ") + e.what();
          deadline = mono_now();
        }
        next_frame += ns(timing.frame_interval);
      }
    }
    if (stopped_in_window) {
      // This trial is abandoned (not journaled); the one before it ends at this photon.
      settle_pending(pending, photon);
      result.stopped = true;
      break;
    }
    const MonoNs closes = deadline;

    try {
      display_.neutral();
    } catch (const std::exception& e) {
      if (fault.empty()) fault = std::string("display failed to show the neutral frame after the trial: ") + e.what();
    }
    settle_pending(pending, photon);
    pending = Pending{&t, TrialWindow{photon, closes, closes, clock.to_wall(photon), shown.photon_method}, cursor, fault};

    if (!pause_until(mono_now() + ns(timing.gap), true)) {
      result.stopped = true;
      break;
    }
  }
  // The last trial's late period ends now (after its gap, or at the stop).
  settle_pending(pending, mono_now());
  if (!result.stopped && stop()) result.stopped = true;

  for (const auto& t : plan.trials())
    if (auto it = finished.find(t.id); it != finished.end()) result.outcomes.push_back(it->second);
  return result;
}

}  // namespace gaterig::trial
