#include "rigs/trial/plan.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

#include "core/crypto.hpp"
#include "reports/statistics/resampling.hpp"
#include "rigs/trial/json_fields.hpp"

namespace gaterig::trial {
namespace {

std::string trial_id(std::uint64_t index) {
  std::string n = std::to_string(index + 1);
  if (n.size() < 5) n.insert(0, 5 - n.size(), '0');
  return "T" + n;
}

std::chrono::milliseconds ms_field(const JsonFields& f, const char* k, std::chrono::milliseconds dflt) {
  if (!f.has(k)) return dflt;
  const std::int64_t v = f.i64(k);
  if (v < 0) f.fail(k, "milliseconds >= 0");
  return std::chrono::milliseconds(v);
}

// Moves trials forward so that no person repeats within `k` consecutive trials where possible.
// Greedy and deterministic: at each position take the first later trial whose person is not among
// the previous k (keeps the shuffled order otherwise).
void spread_persons(std::vector<std::size_t>& order, const std::function<const std::string&(std::size_t)>& person,
                    std::size_t k) {
  if (k == 0) return;
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto recent = [&](std::size_t candidate) {
      const std::string& who = person(order[candidate]);
      for (std::size_t back = 1; back <= k && back <= i; ++back)
        if (person(order[i - back]) == who) return true;
      return false;
    };
    if (!recent(i)) continue;
    for (std::size_t j = i + 1; j < order.size(); ++j) {
      if (!recent(j)) {
        std::rotate(order.begin() + static_cast<std::ptrdiff_t>(i), order.begin() + static_cast<std::ptrdiff_t>(j),
                    order.begin() + static_cast<std::ptrdiff_t>(j) + 1);
        break;
      }
    }
  }
}

}  // namespace

Json TrialTiming::to_json() const {
  return Json{{"gap_ms", gap.count()},
              {"decision_window_ms", decision_window.count()},
              {"settle_ms", settle.count()},
              {"refusal_window_ms", refusal_window.count()},
              {"repeat_window_ms", repeat_window.count()},
              {"frame_interval_ms", frame_interval.count()}};
}

TrialTiming TrialTiming::from_json(const Json& j) {
  const JsonFields f(j, "timing");
  TrialTiming t;
  t.gap = ms_field(f, "gap_ms", t.gap);
  t.decision_window = ms_field(f, "decision_window_ms", t.decision_window);
  t.settle = ms_field(f, "settle_ms", t.settle);
  t.refusal_window = ms_field(f, "refusal_window_ms", t.refusal_window);
  t.repeat_window = ms_field(f, "repeat_window_ms", t.repeat_window);
  t.frame_interval = ms_field(f, "frame_interval_ms", t.frame_interval);
  if (t.frame_interval.count() == 0) f.fail("frame_interval_ms", "milliseconds > 0");
  return t;
}

std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  statistics::Resampler draw(seed);
  for (std::size_t i = n; i > 1; --i) {
    const auto j = static_cast<std::size_t>(draw.index(i));
    std::swap(v[i - 1], v[j]);
  }
  return v;
}

TrialPlan TrialPlan::make(std::vector<Presentation> presentations, std::uint32_t repetitions, std::uint64_t seed,
                          TrialTiming timing, std::size_t person_spacing) {
  if (presentations.empty()) throw std::invalid_argument("trial plan: no presentations");
  if (repetitions == 0) throw std::invalid_argument("trial plan: repetitions must be at least 1");
  std::set<std::string> ids;
  for (const auto& p : presentations) {
    if (p.id.empty()) throw std::invalid_argument("trial plan: a presentation of " + p.person + " has no id");
    if (p.images.empty()) throw std::invalid_argument("trial plan: presentation " + p.id + " has no image");
    if (!ids.insert(p.id).second) throw std::invalid_argument("trial plan: presentation id " + p.id + " appears twice");
  }
  TrialPlan plan;
  plan.presentations_ = std::move(presentations);
  plan.seed_ = seed;
  plan.repetitions_ = repetitions;
  plan.person_spacing_ = person_spacing;
  plan.timing_ = timing;

  // Slot s is presentation s % P, repetition s / P + 1; the shuffle permutes the slots.
  const std::size_t P = plan.presentations_.size();
  const std::size_t n = P * repetitions;
  std::vector<std::size_t> slot_order = shuffled_indices(n, seed);
  // Spread on slot indices directly (presentation of slot s is s % P).
  spread_persons(
      slot_order, [&](std::size_t s) -> const std::string& { return plan.presentations_[s % P].person; },
      person_spacing);
  plan.trials_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = slot_order[i];
    plan.trials_.push_back(Trial{i, trial_id(i), s % P, static_cast<std::uint32_t>(s / P + 1)});
  }
  plan.seal();
  return plan;
}

void TrialPlan::seal() { sha256_ = crypto::sha256_hex(canonical_json().dump()); }

Json TrialPlan::canonical_json() const {
  Json ps = Json::array();
  for (const auto& p : presentations_) ps.push_back(p.to_json());
  Json ts = Json::array();
  for (const auto& t : trials_) ts.push_back(Json::array({t.id, t.presentation, t.repetition}));
  return Json{{"schema", kPlanSchema},  {"seed", seed_},     {"repetitions", repetitions_},
              {"person_spacing", person_spacing_}, {"timing", timing_.to_json()}, {"presentations", ps},
              {"trials", ts}};
}

Json TrialPlan::to_json() const {
  Json j = canonical_json();
  j["sha256"] = sha256_;
  return j;
}

TrialPlan TrialPlan::from_json(const Json& j) {
  const JsonFields f(j, "plan");
  if (f.string("schema") != kPlanSchema) f.fail("schema", std::string("\"") + kPlanSchema + "\"");
  TrialPlan plan;
  plan.seed_ = f.u64("seed");
  const std::uint64_t reps = f.u64("repetitions");
  if (reps == 0 || reps > 0xFFFFFFFFu) f.fail("repetitions", "1 .. 2^32-1");
  plan.repetitions_ = static_cast<std::uint32_t>(reps);
  plan.person_spacing_ = f.has("person_spacing") ? f.u64("person_spacing") : 0;
  plan.timing_ = TrialTiming::from_json(f.at("timing"));
  const Json& ps = f.at("presentations");
  if (!ps.is_array() || ps.empty()) f.fail("presentations", "a non-empty array");
  for (const auto& p : ps) plan.presentations_.push_back(Presentation::from_json(p));
  const Json& ts = f.at("trials");
  if (!ts.is_array()) f.fail("trials", "an array of [id, presentation, repetition]");
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const Json& t = ts[i];
    auto index_like = [](const Json& v) { return v.is_number_integer() && v.get<std::int64_t>() >= 0; };
    if (!t.is_array() || t.size() != 3 || !t[0].is_string() || !index_like(t[1]) || !index_like(t[2]) ||
        t[1].get<std::size_t>() >= plan.presentations_.size())
      f.fail(("trials[" + std::to_string(i) + "]").c_str(), "[id, presentation index, repetition]");
    plan.trials_.push_back(Trial{i, t[0].get<std::string>(), t[1].get<std::size_t>(), t[2].get<std::uint32_t>()});
  }
  plan.seal();
  if (f.has("sha256") && f.string("sha256") != plan.sha256_)
    f.fail("sha256", "the hash of the plan's content (" + plan.sha256_ + "), got " + f.string("sha256") +
                         ": the plan was edited");
  return plan;
}

std::ostream& operator<<(std::ostream& os, const TrialPlan& p) {
  return os << "plan " << p.sha256().substr(0, 8) << ": " << p.size() << " trials, " << p.presentations().size()
            << " presentations x " << p.repetitions() << ", seed " << p.seed();
}

}  // namespace gaterig::trial
