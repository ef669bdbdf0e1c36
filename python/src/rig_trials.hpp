#pragma once
// The trial part run on a rig: the rig library composes the instruments, the trial library runs
// and correlates; this glue (python side only) puts them together the way a scenario calls it:
// rig.run_trials(plan, group, mode) -> Outcomes.
#include <optional>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "fixtures/manifest.hpp"
#include "rigs/rig/rig.hpp"
#include "rigs/trial/card_book.hpp"
#include "rigs/trial/outcome.hpp"
#include "rigs/trial/plan.hpp"
#include "rigs/trial/presentation.hpp"

namespace gaterig::python {

struct Outcomes {
  std::string group, clause, terminal_mode, plan_sha256;
  std::vector<trial::TrialOutcome> outcomes;
  bool stopped = false;
  std::size_t resumed = 0, ran = 0;
};

// TrialPlan::make with the timing Python gives in milliseconds (None: the default), shared by
// gaterig.TrialPlan.make and Rig.plan.
trial::TrialPlan plan_of(std::vector<trial::Presentation> presentations, std::uint32_t repetitions, std::uint64_t seed,
                         std::optional<int> gap_ms, std::optional<int> window_ms, std::optional<int> refusal_window_ms,
                         std::optional<int> repeat_window_ms, std::size_t person_spacing,
                         std::optional<int> settle_ms);

// The CardBook the simulated (or described) terminal uses: the set's persons' cards.
trial::CardBook card_book_of(const fixtures::FixtureSet& set);

struct PresentationFilter {
  std::optional<std::string> role;       // enrolled | impostor | attack (attack: any species)
  std::optional<std::string> light;      // normal | strong | back | low
  std::optional<bool> mask, helmet;
  std::optional<std::string> attack;     // none | print | screen | video
  std::optional<double> distance;        // metres (±0.05)
  std::optional<bool> qr;                // has a QR code
  std::optional<std::string> person;
  std::optional<std::string> condition;  // the trial condition label (default: the light)
  std::optional<std::string> expected;   // accept | refuse | refuse_with_record (default by role)
};
std::vector<trial::Presentation> presentations_of(const fixtures::FixtureSet& set, const PresentationFilter& f);

struct RunTrialsArgs {
  std::string group, mode, clause, journal;
  const pybind11::object* progress = nullptr;  // called with the GIL taken
  double record_wait_s = 5.0;
};
// Called without the GIL.
Outcomes run_trials(rig::Rig& rig, const trial::TrialPlan& plan, const RunTrialsArgs& args);

}  // namespace gaterig::python
