#include "simulator/device/access_policy.hpp"

#include <algorithm>

#include "core/resident_id.hpp"

namespace gaterig::device {

const char* to_string(DenyReason r) {
  switch (r) {
    case DenyReason::none: return "none";
    case DenyReason::no_face: return "no-face";
    case DenyReason::not_acquired: return "not-acquired";
    case DenyReason::spoof: return "spoof";
    case DenyReason::unknown: return "unknown";
    case DenyReason::no_helmet: return "no-helmet";
    case DenyReason::outside_window: return "outside-window";
    case DenyReason::repeat: return "repeat";
    case DenyReason::store_full: return "store-full";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, const Decision& d) {
  os << (d.accept ? "accept" : "deny");
  if (!d.accept) os << " " << to_string(d.reason);
  if (!d.person.empty()) os << " " << mask_id(d.person) << " (" << d.similarity << ")";
  if (!d.detail.empty()) os << " [" << d.detail << "]";
  if (d.flagged_record) os << " flagged record";
  return os;
}

PolicyRules PolicyRules::from(const PolicyConfig& p, bool ignore_windows) {
  PolicyRules r;
  r.repeat_window = p.repeat_window;
  r.helmet_required = p.helmet_required;
  r.deny_masked = p.mask_policy == "deny";
  r.enforce_windows = !ignore_windows;
  r.windows = p.windows;
  return r;
}

namespace {
bool in(const AccessWindow& w, int minute) {
  if (w.from_minute <= w.to_minute) return minute >= w.from_minute && minute < w.to_minute;
  return minute >= w.from_minute || minute < w.to_minute;  // wraps past midnight
}
}  // namespace

bool AccessPolicy::inside_window(const std::string& person, WallNs wall) const {
  std::lock_guard lock(mu_);
  return inside_window_locked(person, wall);
}

bool AccessPolicy::inside_window_locked(const std::string& person, WallNs wall) const {
  if (!rules_.enforce_windows) return true;
  const std::int64_t local_s = wall / 1'000'000'000 + std::int64_t{rules_.offset.minutes} * 60;
  const int minute = static_cast<int>(((local_s % 86400) + 86400) % 86400 / 60);
  // The person's own windows win over the group's; nobody named in a window may pass any time.
  bool has_own = false, own_ok = false;
  for (const auto& w : rules_.windows)
    if (w.person == person) has_own = true, own_ok = own_ok || in(w, minute);
  if (has_own) return own_ok;
  const auto g = groups_.find(person);
  if (g == groups_.end()) return true;
  bool has_group = false, group_ok = false;
  for (const auto& w : rules_.windows)
    if (!w.group.empty() && w.group == g->second) has_group = true, group_ok = group_ok || in(w, minute);
  return !has_group || group_ok;
}

Decision AccessPolicy::decide(const FrameAnalysis& a, WallNs wall, MonoNs mono) {
  Decision d;
  if (!a.face_found) {
    d.reason = DenyReason::no_face;
    return d;
  }
  if (a.liveness.checked && !a.liveness.live) {
    d.reason = DenyReason::spoof;
    d.detail = "liveness cue " + a.liveness.cue;
    return d;
  }
  std::unique_lock lock(mu_);
  const PolicyRules& rules = rules_;
  if (a.refusal != Refusal::none || (rules.deny_masked && a.mask.checked && a.mask.present)) {
    d.reason = DenyReason::not_acquired;
    d.detail = a.refusal != Refusal::none ? to_string(a.refusal) : "masked (mask_policy deny)";
    return d;
  }
  if (!a.matched || !a.best) {
    d.reason = DenyReason::unknown;
    if (a.best) d.similarity = a.best->similarity;
    return d;
  }
  d.person = a.best->person;
  d.similarity = a.best->similarity;
  const auto window = std::chrono::nanoseconds(rules.repeat_window).count();
  if (rules.helmet_required && a.helmet.checked && !a.helmet.present) {
    d.reason = DenyReason::no_helmet;
    // One flagged record per presentation: not again within the repeat window.
    auto it = last_flagged_.find(d.person);
    d.flagged_record = it == last_flagged_.end() || mono - it->second >= window;
    if (d.flagged_record) last_flagged_[d.person] = mono;
    return d;
  }
  if (!inside_window_locked(d.person, wall)) {
    d.reason = DenyReason::outside_window;
    return d;
  }
  auto it = last_accept_.find(d.person);
  if (it != last_accept_.end() && mono - it->second < window) {
    d.reason = DenyReason::repeat;
    return d;
  }
  last_accept_[d.person] = mono;
  d.accept = true;
  return d;
}

void AccessPolicy::forget_accept(const std::string& person) {
  std::lock_guard lock(mu_);
  last_accept_.erase(person);
}

void AccessPolicy::set_group(const std::string& person, const std::string& group) {
  std::lock_guard lock(mu_);
  groups_[person] = group;
}

std::vector<std::string> AccessPolicy::workers() const {
  std::vector<std::string> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(groups_.size());
    for (const auto& [person, group] : groups_) out.push_back(person);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool AccessPolicy::knows(const std::string& person) const {
  std::lock_guard lock(mu_);
  return groups_.count(person) != 0;
}

PolicyRules AccessPolicy::rules() const {
  std::lock_guard lock(mu_);
  return rules_;
}

void AccessPolicy::set_rules(PolicyRules rules) {
  std::lock_guard lock(mu_);
  rules_ = std::move(rules);
}

}  // namespace gaterig::device
