#pragma once
// Runs a plan: shows each presentation on the rig's display, watches the timeline for the
// terminal's answer with deadlines (never sleeps), shows the neutral frame between trials,
// correlates each trial once the next one's photon is known (output in the gap is charged to the
// trial before), journals it, and reports progress. A rig fault (image missing, display throws,
// rig.error on the timeline, events dropped) makes that trial class error, never a device outcome.
// A stop request (SIGINT/SIGTERM through core/stop_signal.hpp, or RunOptions::stop_requested) ends
// the run within about one poll interval plus the settle time; the journal keeps every trial that
// finished, and a run given the same journal later skips them.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "rigs/display/display.hpp"
#include "rigs/trial/correlator.hpp"
#include "rigs/trial/journal.hpp"
#include "rigs/trial/outcome.hpp"
#include "rigs/trial/plan.hpp"

namespace gaterig::trial {

struct Progress {
  std::size_t done = 0;     // trials with an outcome, resumed ones included
  std::size_t total = 0;
  std::size_t resumed = 0;  // taken from the journal
  double rate_per_s = 0.0;  // trials finished per second in this session
  std::optional<std::chrono::seconds> eta;  // absent until a rate exists
  const TrialOutcome* last = nullptr;       // the trial just finished (valid during the callback)
};

struct RunOptions {
  std::string group;          // "JX-A.2/genuine"
  std::string clause;         // "JX-A.2"
  std::string terminal_mode;  // "test" | "liveness"
  std::filesystem::path image_root;  // relative image paths are read from here
  TrialJournal* journal = nullptr;   // optional; trials it has done are skipped
  std::function<void(const Progress&)> progress;
  // Polled at least every `poll`. Empty: the process's StopSignal when it is installed.
  std::function<bool()> stop_requested;
  std::chrono::milliseconds poll{50};
};

struct RunResult {
  std::vector<TrialOutcome> outcomes;  // in plan order, every trial that has one (resumed included)
  bool stopped = false;                // a stop request ended the run early
  std::size_t resumed = 0;             // outcomes taken from the journal
  std::size_t ran = 0;                 // outcomes made in this session
};

class TrialRunner {
 public:
  TrialRunner(display::Display& display, Timeline& timeline, const Correlator& correlator, RunOptions options = {});
  // Throws JournalError when the journal cannot be written (the run cannot keep its record).
  RunResult run(const TrialPlan& plan);

 private:
  bool stop() const;
  // Waits on the timeline until `deadline` (CLOCK_MONOTONIC); false when a stop came first.
  bool pause_until(MonoNs deadline, bool honour_stop) const;

  display::Display& display_;
  Timeline& timeline_;
  const Correlator& correlator_;
  RunOptions options_;
};

}  // namespace gaterig::trial
