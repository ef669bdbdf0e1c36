#pragma once
// The run's journal: an append-only JSONL file in the report folder, one line per finished trial,
// fsync'd before the runner moves on, so a crash or a power cut loses at most the trial in flight.
// The first line is a header naming the plan (its SHA-256 and the whole plan); a journal only
// ever continues the plan it was started for.
//
//   {"schema":"gaterig.trial_journal/1","plan_sha256":"…","created":"…","plan":{…}}
//   {…TrialOutcome::to_json()…}
//   …
//
// A later line for the same trial replaces the earlier one (a resumed run retries trials that
// ended in a rig error).
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "rigs/trial/outcome.hpp"
#include "rigs/trial/plan.hpp"

namespace gaterig::trial {

inline constexpr const char* kJournalSchema = "gaterig.trial_journal/1";

class JournalError : public std::runtime_error {
 public:
  JournalError(const std::filesystem::path& file, const std::string& what);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

struct JournalContents {
  std::string plan_sha256;                // "" when the file held no complete header
  Json plan;                              // the header's plan (null when none)
  std::vector<TrialOutcome> outcomes;     // one per trial, the last line of each, in first-seen order
  std::vector<std::string> warnings;      // e.g. the torn last line that was skipped
  std::uintmax_t good_bytes = 0;          // the length of the file up to the last complete line
};

class TrialJournal {
 public:
  // Opens `path` to continue `plan`: creates it (and its folder) with a header when it does not
  // exist or holds no complete header; otherwise loads it, cuts off a torn last line (with a
  // warning) and throws JournalError naming the file when it belongs to another plan.
  TrialJournal(std::filesystem::path path, const TrialPlan& plan);
  ~TrialJournal();
  TrialJournal(const TrialJournal&) = delete;
  TrialJournal& operator=(const TrialJournal&) = delete;

  // Reads a journal without changing it. Throws JournalError (naming file and line) when the file
  // cannot be read, the header is not a journal header, or a line before the last is damaged;
  // a damaged last line (a crash mid-write) is skipped with a warning.
  static JournalContents load(const std::filesystem::path& path);

  // Writes one line and fsyncs it. Throws JournalError when the write fails.
  void append(const TrialOutcome& outcome);

  // A trial counts as done when it has an outcome that is not a rig error.
  bool done(const std::string& trial_id) const;
  const std::vector<TrialOutcome>& outcomes() const { return outcomes_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void remember(const TrialOutcome& o);
  void write_all(const std::string& bytes);

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<TrialOutcome> outcomes_;
  std::map<std::string, std::size_t> by_trial_;
  std::vector<std::string> warnings_;
};

}  // namespace gaterig::trial
