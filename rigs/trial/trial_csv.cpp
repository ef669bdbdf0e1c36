#include "rigs/trial/trial_csv.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "core/resident_id.hpp"

namespace gaterig::trial {
namespace {

std::string field(std::string_view raw) {
  std::string s = mask_ids_in(raw);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string ms(const std::optional<std::int64_t>& ns) {
  if (!ns) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(*ns) / 1e6);
  return buf;
}

}  // namespace

void write_trials_csv(std::ostream& os, const std::vector<TrialOutcome>& outcomes) {
  os << kTrialCsvHeader << "\n";
  for (const auto& o : outcomes) {
    os << field(o.trial) << ',' << field(o.group) << ',' << field(o.clause) << ',' << field(o.condition) << ','
       << field(o.person) << ',' << to_string(o.role) << ',' << field(o.attack) << ',' << field(o.presentation) << ','
       << (o.photon ? std::to_string(o.photon) : "") << ',' << to_string(o.outcome) << ','
       << (o.card ? card_text(*o.card) : "") << ',' << ms(o.latency_ns) << ',' << ms(o.record_latency_ns) << ','
       << field(o.terminal_mode) << ',' << field(o.error) << "\n";
  }
}

void write_trials_csv(const std::filesystem::path& path, const std::vector<TrialOutcome>& outcomes) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(tmp.string() + ": cannot write the trials CSV");
    write_trials_csv(out, outcomes);
    out.flush();
    if (!out) throw std::runtime_error(tmp.string() + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error(path.string() + ": cannot replace the trials CSV: " + ec.message());
}

}  // namespace gaterig::trial
