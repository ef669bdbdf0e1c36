#include "probes/wiegand/decoder.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "probes/wiegand/layout.hpp"

namespace gaterig::wiegand {

namespace {

std::string us(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f us", static_cast<double>(ns) / 1000.0);
  return buf;
}

// A low pulse on D0 or D1: falling edge, then (if seen) the rising edge.
struct Pulse {
  Line line;
  MonoNs start;
  std::optional<MonoNs> end;
  bool end_lost = false;  // its rising edge never came: the line fell again first
  bool glitch = false;
  std::int64_t width() const { return *end - start; }
};

// Counts offenders of one rule and remembers the worst, so a frame gets one finding per rule.
struct Tally {
  int count = 0;
  std::int64_t worst = 0;
  std::size_t worst_bit = 0;  // 1-based
  void add(std::int64_t value, std::size_t bit, bool larger_is_worse) {
    if (count == 0 || (larger_is_worse ? value > worst : value < worst)) {
      worst = value;
      worst_bit = bit;
    }
    ++count;
  }
};

std::size_t index_of(Line l) { return l == Line::d0 ? 0 : 1; }

}  // namespace

std::ostream& operator<<(std::ostream& os, const DecoderConfig& c) {
  auto u = [](std::chrono::nanoseconds d) { return us(d.count()); };
  return os << "DecoderConfig(silence " << u(c.silence) << ", format "
            << (c.expect == Format::raw ? std::string("auto") : std::string(to_string(c.expect)))
            << ", width " << u(c.limits.width_min) << ".." << u(c.limits.width_max) << ", interval "
            << u(c.limits.interval_min) << ".." << u(c.limits.interval_max) << ", glitch below "
            << u(c.limits.glitch_below) << ")";
}

WiegandFrame decode_frame(std::vector<Edge> edges, const DecoderConfig& cfg, std::uint64_t index) {
  edges.erase(std::remove_if(edges.begin(), edges.end(), [](const Edge& e) { return !is_data_line(e.line); }),
              edges.end());
  std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.at < b.at; });

  WiegandFrame f;
  f.index = index;
  f.edge_count = edges.size();
  if (!edges.empty()) {
    f.first_edge = edges.front().at;
    f.last_edge = edges.back().at;
  }

  // Pair edges into pulses, line by line. Lines idle high, so a frame should alternate
  // falling/rising on each line starting with a falling edge.
  std::vector<Pulse> pulses;
  std::array<std::optional<std::size_t>, 2> low{};  // the open pulse of each line
  std::array<bool, 2> seen{};
  int starts_high = 0, doubled = 0, flagged_loss = 0;
  std::string loss_where;
  for (const Edge& e : edges) {
    const std::size_t i = index_of(e.line);
    if (e.after_loss) ++flagged_loss;
    if (!e.rising) {
      if (low[i]) {  // two falling edges: the rising edge between them was lost
        ++doubled;
        pulses[*low[i]].end_lost = true;
        if (loss_where.empty()) loss_where = std::string(to_string(e.line)) + " fell twice at " + format_mono(e.at);
      }
      pulses.push_back({e.line, e.at, std::nullopt});
      low[i] = pulses.size() - 1;
    } else if (low[i]) {
      pulses[*low[i]].end = e.at;
      low[i].reset();
    } else if (!seen[i]) {
      ++starts_high;  // the frame began inside a pulse (capture started late, or truncated)
    } else {         // two rising edges: the falling edge between them was lost
      ++doubled;
      if (loss_where.empty()) loss_where = std::string(to_string(e.line)) + " rose twice at " + format_mono(e.at);
    }
    seen[i] = true;
  }
  // A pulse is "unended" when its line was still low when the frame closed.
  int unended = 0;
  for (std::size_t i = 0; i < 2; ++i) unended += low[i].has_value();

  // Glitches: too short to be a bit, whichever line they are on.
  Tally glitches;
  for (auto& p : pulses) {
    if (p.end && p.width() < cfg.limits.glitch_below.count()) {
      p.glitch = true;
      glitches.add(p.width(), 0, false);
    }
  }

  std::vector<const Pulse*> bits;
  for (const auto& p : pulses)
    if (!p.glitch) bits.push_back(&p);
  for (const Pulse* p : bits) f.bits.push_back(p->line == Line::d0 ? '0' : '1');

  Tally too_short, too_long, gap_short, gap_long;
  std::array<const Pulse*, 2> last{};
  std::vector<std::size_t> overlap_bits;
  for (std::size_t b = 0; b < bits.size(); ++b) {
    const Pulse& p = *bits[b];
    if (p.end) {
      const auto w = p.width();
      f.width_min_ns = f.width_min_ns ? std::min(*f.width_min_ns, w) : w;
      f.width_max_ns = f.width_max_ns ? std::max(*f.width_max_ns, w) : w;
      if (w < cfg.limits.width_min.count()) too_short.add(w, b + 1, false);
      if (w > cfg.limits.width_max.count()) too_long.add(w, b + 1, true);
    }
    if (b > 0) {
      const auto iv = p.start - bits[b - 1]->start;
      f.interval_min_ns = f.interval_min_ns ? std::min(*f.interval_min_ns, iv) : iv;
      f.interval_max_ns = f.interval_max_ns ? std::max(*f.interval_max_ns, iv) : iv;
      if (iv < cfg.limits.interval_min.count()) gap_short.add(iv, b + 1, false);
      if (iv > cfg.limits.interval_max.count()) gap_long.add(iv, b + 1, true);
    }
    const Pulse* other = last[1 - index_of(p.line)];
    // An unended pulse still open at frame end held its line low; one whose end was lost proves nothing.
    if (other && (other->end ? *other->end > p.start : !other->end_lost)) overlap_bits.push_back(b + 1);
    last[index_of(p.line)] = &p;
  }

  auto add = [&](std::string_view rule_id, std::string message) {
    f.findings.push_back({std::string(rule_id), std::move(message)});
  };
  const auto n = std::to_string(bits.size());
  if (too_short.count)
    add(rule::pulse_too_short, std::to_string(too_short.count) + " of " + n + " pulses shorter than " +
                                   us(cfg.limits.width_min.count()) + " (shortest " + us(too_short.worst) +
                                   " at bit " + std::to_string(too_short.worst_bit) + ")");
  if (too_long.count)
    add(rule::pulse_too_long, std::to_string(too_long.count) + " of " + n + " pulses longer than " +
                                  us(cfg.limits.width_max.count()) + " (longest " + us(too_long.worst) +
                                  " at bit " + std::to_string(too_long.worst_bit) + ")");
  if (gap_short.count)
    add(rule::interval_too_short, std::to_string(gap_short.count) + " intervals shorter than " +
                                      us(cfg.limits.interval_min.count()) + " (shortest " +
                                      us(gap_short.worst) + " before bit " +
                                      std::to_string(gap_short.worst_bit) + ")");
  if (gap_long.count)
    add(rule::interval_too_long, std::to_string(gap_long.count) + " intervals longer than " +
                                     us(cfg.limits.interval_max.count()) + " (longest " +
                                     us(gap_long.worst) + " before bit " +
                                     std::to_string(gap_long.worst_bit) + ")");
  if (!overlap_bits.empty())
    add(rule::both_lines_low, std::to_string(overlap_bits.size()) +
                                  " pulses started while the other line was still low (first at bit " +
                                  std::to_string(overlap_bits.front()) + ")");
  if (glitches.count)
    add(rule::glitch, std::to_string(glitches.count) + " pulses shorter than " +
                          us(cfg.limits.glitch_below.count()) + " ignored as noise (shortest " +
                          us(glitches.worst) + ")");
  if (starts_high || unended) {
    std::string m;
    if (starts_high) m += std::to_string(starts_high) + " line(s) rose before falling (frame began mid-pulse)";
    if (unended) {
      if (!m.empty()) m += "; ";
      m += std::to_string(unended) + " line(s) still low when the frame ended (stuck low, or frame cut short)";
    }
    add(rule::unpaired_edge, m);
  }
  if (doubled || flagged_loss) {
    std::string m;
    if (doubled) m += std::to_string(doubled) + " edge(s) followed one of the same direction (" + loss_where + ")";
    if (flagged_loss) {
      if (!m.empty()) m += "; ";
      m += "the source reported lost edges before " + std::to_string(flagged_loss) + " edge(s)";
    }
    add(rule::lost_edges, m);
  }
  decode_layout(f, cfg.expect);
  return f;
}

WiegandDecoder::WiegandDecoder(DecoderConfig cfg) : cfg_(cfg) {}

std::optional<WiegandFrame> WiegandDecoder::feed(const Edge& e) {
  if (!is_data_line(e.line)) return std::nullopt;
  std::optional<WiegandFrame> closed;
  if (!open_.empty() && e.at - last_at_ >= cfg_.silence.count()) closed = close();
  open_.push_back(e);
  if (open_.size() == 1 || e.at > last_at_) last_at_ = e.at;
  return closed;
}

std::optional<WiegandFrame> WiegandDecoder::flush(MonoNs now) {
  if (open_.empty() || now - last_at_ < cfg_.silence.count()) return std::nullopt;
  return close();
}

std::optional<WiegandFrame> WiegandDecoder::finish() {
  if (open_.empty()) return std::nullopt;
  return close();
}

std::optional<MonoNs> WiegandDecoder::silence_deadline() const {
  if (open_.empty()) return std::nullopt;
  return last_at_ + cfg_.silence.count();
}

WiegandFrame WiegandDecoder::close() {
  std::vector<Edge> edges;
  edges.swap(open_);
  return decode_frame(std::move(edges), cfg_, ++frames_);
}

std::ostream& operator<<(std::ostream& os, const WiegandDecoder& d) {
  return os << "WiegandDecoder(" << d.frames() << " frames, " << d.open_edges() << " edges open, "
            << d.config() << ")";
}

}  // namespace gaterig::wiegand
