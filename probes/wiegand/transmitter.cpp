#include "probes/wiegand/transmitter.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <cstring>

namespace gaterig::wiegand {

void wait_until(MonoNs deadline, std::chrono::nanoseconds spin) {
  // The default 50 µs timer slack would make every sleep overshoot; this thread wants exact
  // wake-ups (per-thread setting, idempotent).
  static thread_local bool slack_set = [] { return ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0; }();
  (void)slack_set;
  const MonoNs wake = deadline - spin.count();
  if (wake > mono_now()) {
    const timespec ts{static_cast<time_t>(wake / 1'000'000'000), static_cast<long>(wake % 1'000'000'000)};
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
  }
  while (mono_now() < deadline) {
  }
}

std::string request_realtime_priority(int priority) {
  sched_param p{};
  p.sched_priority = priority;
  const int rc = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &p);
  return rc == 0 ? std::string() : std::string("SCHED_FIFO refused: ") + std::strerror(rc);
}

std::ostream& operator<<(std::ostream& os, const TransmitReport& r) {
  return os << "TransmitReport(" << r.edges << " edges, width error " << r.width_error_min << ".."
            << r.width_error_max << " ns, latest edge " << r.lateness_max << " ns late)";
}

WiegandTransmitter::WiegandTransmitter(EdgeSink& sink, PulseTiming timing, EdgeTimes times)
    : sink_(sink), encoder_(timing), times_(times) {}

TransmitReport WiegandTransmitter::send_planned(const std::vector<Edge>& plan) {
  TransmitReport r;
  r.edges = plan.size();
  r.widths.reserve(plan.size() / 2);
  for (std::size_t i = 0; i + 1 < plan.size(); i += 2) {
    // A pulse is written whole once its rising edge is due: the wire's reader never sees a line
    // held low longer than planned, however late this thread runs.
    wait_until(plan[i + 1].at);
    r.lateness_max = std::max(r.lateness_max, mono_now() - plan[i + 1].at);
    sink_.write(plan[i]);
    sink_.write(plan[i + 1]);
    r.widths.push_back(plan[i + 1].at - plan[i].at);
  }
  if (!plan.empty()) {
    r.first_edge = plan.front().at;
    r.last_edge = plan.back().at;
  }
  return r;
}

TransmitReport WiegandTransmitter::send(std::string_view bits, MonoNs start) {
  const MonoNs now = mono_now();
  if (start < now) start = now;
  const auto plan = encoder_.edges(bits, start);  // validates the bits
  if (times_ == EdgeTimes::planned && sink_.carries_time()) return send_planned(plan);
  const MonoNs width = encoder_.timing().width.count(), interval = encoder_.timing().interval.count();
  TransmitReport r;
  r.edges = plan.size();
  r.widths.reserve(bits.size());
  // Each edge is due relative to the edge before it as it actually went out, never before its
  // planned time: when the thread is preempted the frame slips, but no pulse gets shorter and no
  // interval tighter than planned (a burst of catch-up edges would be glitches on the wire).
  // On a sink that carries the time, the pulse is stamped first and reported after it: the door
  // relay shares the simulated terminal's sink behind a lock, and a write blocked on it inside a
  // pulse stretched the pulse (1 frame in 50-130 on a loaded 2-core machine, JX-A.10).
  const bool report_after = sink_.carries_time();
  MonoNs fell = 0;
  for (std::size_t i = 0; i + 1 < plan.size(); i += 2) {
    const MonoNs fall_due = i == 0 ? plan[i].at : std::max(plan[i].at, fell + interval);
    wait_until(fall_due);
    Edge e = plan[i];
    e.at = mono_now();
    if (!report_after) sink_.write(e);
    fell = e.at;
    wait_until(fell + width);
    Edge up = plan[i + 1];
    up.at = mono_now();
    if (report_after) sink_.write(e);
    sink_.write(up);
    if (i == 0) r.first_edge = e.at;
    r.last_edge = up.at;
    r.lateness_max = std::max({r.lateness_max, e.at - plan[i].at, up.at - plan[i + 1].at});
    const std::int64_t err = up.at - fell - width;
    r.widths.push_back(up.at - fell);
    r.width_error_min = i == 0 ? err : std::min(r.width_error_min, err);
    r.width_error_max = i == 0 ? err : std::max(r.width_error_max, err);
  }
  return r;
}

}  // namespace gaterig::wiegand
