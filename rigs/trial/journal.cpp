#include "rigs/trial/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/clock.hpp"
#include "core/log.hpp"

namespace gaterig::trial {
namespace {

std::string errno_text() { return std::strerror(errno); }

void fsync_dir(const std::filesystem::path& dir) {
  const int d = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) return;
  ::fsync(d);
  ::close(d);
}

}  // namespace

JournalError::JournalError(const std::filesystem::path& file, const std::string& what)
    : std::runtime_error(file.string() + ": " + what), file_(file) {}

JournalContents TrialJournal::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JournalError(path, "cannot open the journal: " + errno_text());
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();

  JournalContents c;
  std::map<std::string, std::size_t> by_trial;
  std::size_t pos = 0;
  std::size_t line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    const std::size_t nl = text.find('\n', pos);
    const bool complete = nl != std::string::npos;
    const std::string line = text.substr(pos, complete ? nl - pos : std::string::npos);
    const std::size_t next = complete ? nl + 1 : text.size();
    const bool last = next >= text.size();
    Json j;
    bool parsed = false;
    if (complete) {
      try {
        j = Json::parse(line);
        parsed = true;
      } catch (const Json::exception&) {
      }
    }
    if (!parsed) {
      // A crash mid-write leaves the last line without its newline (or as garbage): skip it; the
      // trial it was recording runs again. Anywhere else the journal is damaged.
      if (!last)
        throw JournalError(path, "line " + std::to_string(line_no) + ": not a JSON line; the journal is damaged");
      c.warnings.push_back(path.string() + ": line " + std::to_string(line_no) + ": torn last line (" +
                           std::to_string(text.size() - pos) + " bytes, a crash mid-write?) skipped");
      break;
    }
    if (line_no == 1) {
      if (!j.is_object() || j.value("schema", "") != kJournalSchema || !j.contains("plan_sha256") ||
          !j["plan_sha256"].is_string())
        throw JournalError(path, std::string("line 1: expected a journal header {\"schema\": \"") + kJournalSchema +
                                     "\", \"plan_sha256\": ...}");
      c.plan_sha256 = j["plan_sha256"].get<std::string>();
      c.plan = j.contains("plan") ? j["plan"] : Json(nullptr);
    } else {
      TrialOutcome o;
      try {
        o = TrialOutcome::from_json(j);
      } catch (const std::exception& e) {
        if (!last) throw JournalError(path, "line " + std::to_string(line_no) + ": " + e.what());
        c.warnings.push_back(path.string() + ": line " + std::to_string(line_no) + ": unreadable last line skipped (" +
                             e.what() + ")");
        break;
      }
      auto [it, fresh] = by_trial.emplace(o.trial, c.outcomes.size());
      if (fresh)
        c.outcomes.push_back(std::move(o));
      else
        c.outcomes[it->second] = std::move(o);
    }
    c.good_bytes = next;
    pos = next;
  }
  return c;
}

TrialJournal::TrialJournal(std::filesystem::path path, const TrialPlan& plan) : path_(std::move(path)) {
  JournalContents existing;
  std::error_code ec;
  const bool exists = std::filesystem::exists(path_, ec) && std::filesystem::file_size(path_, ec) > 0;
  if (exists) {
    existing = load(path_);
    if (!existing.plan_sha256.empty() && existing.plan_sha256 != plan.sha256())
      throw JournalError(path_, "a journal of plan " + existing.plan_sha256.substr(0, 12) + ", not of this run's plan " +
                                    plan.sha256().substr(0, 12) +
                                    ": resume with the same plan (fixtures, seed, repetitions, timing) or use another "
                                    "report folder");
    for (const auto& w : existing.warnings) {
      LOG_WARN("trial", w);
      warnings_.push_back(w);
    }
  } else if (path_.has_parent_path()) {
    std::filesystem::create_directories(path_.parent_path(), ec);
    if (ec) throw JournalError(path_, "cannot create its folder: " + ec.message());
  }

  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw JournalError(path_, "cannot open the journal for writing: " + errno_text());
  // Cut off a torn last line so the next line does not continue it; a file without a complete
  // header starts over.
  const off_t keep = existing.plan_sha256.empty() ? 0 : static_cast<off_t>(existing.good_bytes);
  if (::ftruncate(fd_, keep) != 0 || ::lseek(fd_, keep, SEEK_SET) < 0) {
    const std::string why = errno_text();
    ::close(fd_);
    fd_ = -1;
    throw JournalError(path_, "cannot cut the journal to its last complete line: " + why);
  }
  if (keep == 0) {
    const Json header{{"schema", kJournalSchema},
                      {"plan_sha256", plan.sha256()},
                      {"created", format_iso_utc(wall_now())},
                      {"plan", plan.to_json()}};
    write_all(header.dump() + "\n");
    fsync_dir(path_.parent_path());
  } else {
    for (auto& o : existing.outcomes) remember(o);
  }
}

TrialJournal::~TrialJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void TrialJournal::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw JournalError(path_, "write failed: " + errno_text());
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_) != 0) throw JournalError(path_, "fsync failed: " + errno_text());
}

void TrialJournal::append(const TrialOutcome& outcome) {
  write_all(outcome.to_json().dump() + "\n");
  remember(outcome);
}

void TrialJournal::remember(const TrialOutcome& o) {
  auto [it, fresh] = by_trial_.emplace(o.trial, outcomes_.size());
  if (fresh)
    outcomes_.push_back(o);
  else
    outcomes_[it->second] = o;
}

bool TrialJournal::done(const std::string& trial_id) const {
  auto it = by_trial_.find(trial_id);
  return it != by_trial_.end() && outcomes_[it->second].outcome != OutcomeClass::error;
}

}  // namespace gaterig::trial
