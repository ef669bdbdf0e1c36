// `gaterig certify`: the front door of a certification. The run itself is a pytest session over
// scenarios/ with the gaterig plugin (python/gaterig/pytest_plugin.py); this command finds the
// Python package, starts that session as a child in a process group of its own, shows its progress
// (the plugin's progress.jsonl), forwards SIGINT/SIGTERM once and waits with a deadline, and ends
// with the per-clause verdicts of results.json.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/event.hpp"
#include "core/stop_signal.hpp"
#include "rigs/cli/commands.hpp"

namespace gaterig::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct CertifyArgs {
  std::string rig;
  std::string standard;
  std::string out = "out/certify";
  std::string scenarios;
  std::string profile;
  std::string dut;
  std::uint64_t seed = 1;
  bool quick = false;
  bool resume = false;
  bool json = false;
  std::vector<std::string> pytest_args;
  std::string key;                  // the lab's Ed25519 key for the report (gaterig report keygen)
  bool has_report_command = false;  // `gaterig report` is built in (reports/report)
};

// How long the session gets to stop the rig and write its results after SIGINT/SIGTERM.
constexpr auto kStopDeadline = 120s;

fs::path own_executable() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

// The folder holding the package gaterig/ (its __init__.py and compiled _gaterig): $GATERIG_PYTHONPATH,
// else <dir of this executable>/python (a build tree), else <prefix>/lib/gaterig/python
// (installed); nullopt leaves it to the interpreter's own path.
std::optional<fs::path> find_python_package() {
  auto has_package = [](const fs::path& dir) { return fs::is_regular_file(dir / "gaterig" / "__init__.py"); };
  if (const char* env = std::getenv("GATERIG_PYTHONPATH"); env && *env) {
    if (!has_package(env))
      throw std::runtime_error(std::string("GATERIG_PYTHONPATH=") + env + ": no gaterig/__init__.py there");
    return fs::path(env);
  }
  const auto exe_dir = own_executable().parent_path();
  for (const auto& candidate : {exe_dir / "python", exe_dir.parent_path() / "lib" / "gaterig" / "python"})
    if (has_package(candidate)) return fs::weakly_canonical(candidate);
  return std::nullopt;
}

// The scenario folder: --scenarios, else ./scenarios, else the source tree gaterig was built from.
fs::path find_scenarios(const std::string& given) {
  if (!given.empty()) {
    if (!fs::is_directory(given)) throw CLI::ValidationError("--scenarios", given + ": no such folder");
    return fs::absolute(given);
  }
  if (fs::is_directory("scenarios")) return fs::absolute("scenarios");
#ifdef GATERIG_SOURCE_DIR
  if (fs::is_directory(fs::path(GATERIG_SOURCE_DIR) / "scenarios")) return fs::path(GATERIG_SOURCE_DIR) / "scenarios";
#endif
  throw CLI::ValidationError("--scenarios", "no scenarios/ folder here; give --scenarios DIR");
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_of(" \t\n'\"\\$`*?;&|<>()") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The pytest session, in a process group of its own: a Ctrl-C at the terminal reaches only us,
// and we pass it on exactly once (the session's second SIGINT means "exit now").
class Session {
 public:
  Session(const std::vector<std::string>& argv, const std::vector<std::string>& env, const fs::path& log) {
    std::vector<char*> args, envp;
    std::vector<std::string> a = argv, e = env;
    for (auto& s : a) args.push_back(s.data());
    args.push_back(nullptr);
    for (auto& s : e) envp.push_back(s.data());
    envp.push_back(nullptr);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::runtime_error("cannot open " + log.string() + ": " + std::strerror(errno));
    pid_ = ::fork();
    if (pid_ < 0) {
      ::close(log_fd);
      throw std::runtime_error(std::string("cannot start the pytest session: fork: ") + std::strerror(errno));
    }
    if (pid_ == 0) {
      ::setpgid(0, 0);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);  // gaterig blocks SIGINT/SIGTERM for StopSignal
      const int devnull = ::open("/dev/null", O_RDONLY);
      if (devnull >= 0) ::dup2(devnull, 0);
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
      ::execve(args[0], args.data(), envp.data());
      const char msg[] = "gaterig certify: exec of the python interpreter failed\n";
      [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also from here, so the group exists before we might signal it
    ::close(log_fd);
  }
  ~Session() {
    if (!status_) {
      ::kill(-pid_, SIGKILL);
      wait(5s);
    }
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // True once it has exited (status() then holds its wait status).
  bool wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (status_) return true;
      int st = 0;
      const pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        status_ = st;
        return true;
      }
      if (r < 0 && errno != EINTR) {
        status_ = 0;
        return true;
      }
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(50ms, timeout));
    }
  }
  void signal(int sig) { ::kill(-pid_, sig); }
  int exit_code() const {
    if (!status_) return -1;
    if (WIFEXITED(*status_)) return WEXITSTATUS(*status_);
    return 128 + WTERMSIG(*status_);
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Reads progress.jsonl as it grows (whole lines only).
class ProgressTail {
 public:
  explicit ProgressTail(fs::path path) : path_(std::move(path)) {}
  std::vector<Json> poll() {
    std::vector<Json> out;
    std::ifstream in(path_, std::ios::binary);
    if (!in) return out;
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t start = 0;
    for (std::size_t nl; (nl = chunk.find('\n', start)) != std::string::npos; start = nl + 1) {
      try {
        out.push_back(Json::parse(chunk.substr(start, nl - start)));
      } catch (const Json::exception&) {
        // a line that is not JSON is not ours to show
      }
    }
    offset_ += start;
    return out;
  }
  // Lines already there before the session started (a resumed run appends) are not news.
  void skip_existing() {
    std::error_code ec;
    const auto size = fs::file_size(path_, ec);
    offset_ = ec ? 0 : size;
  }

 private:
  fs::path path_;
  std::size_t offset_ = 0;
};

std::string format_seconds(double s) {
  if (s < 0) return "?";
  const auto total = static_cast<long>(s + 0.5);
  std::ostringstream os;
  if (total >= 3600) os << total / 3600 << "h" << std::setw(2) << std::setfill('0') << (total % 3600) / 60 << "m";
  else if (total >= 60) os << total / 60 << "m" << std::setw(2) << std::setfill('0') << total % 60 << "s";
  else os << total << "s";
  return os.str();
}

// One line of progress: "JX-A.2  JX-A.2/genuine  123/300  2.1 trials/s  ETA 1m24s  success 98.4%".
std::string describe_progress(const Json& p) {
  std::ostringstream os;
  os << p.value("clause", "") << "  " << p.value("group", "") << "  " << p.value("done", 0) << "/" << p.value("total", 0);
  if (p.contains("trials_per_s") && p["trials_per_s"].is_number())
    os << "  " << std::fixed << std::setprecision(1) << p["trials_per_s"].get<double>() << " trials/s";
  if (p.contains("eta_s") && p["eta_s"].is_number()) os << "  ETA " << format_seconds(p["eta_s"].get<double>());
  if (p.contains("success_rate") && p["success_rate"].is_number())
    os << "  success " << std::fixed << std::setprecision(1) << 100.0 * p["success_rate"].get<double>() << "%";
  return os.str();
}

class ProgressView {
 public:
  explicit ProgressView(bool tty) : tty_(tty) {}
  void show(const Json& p) {
    const std::string kind = p.value("event", "");
    if (kind == "progress") {
      const std::string line = describe_progress(p);
      if (tty_) {
        std::cerr << "\r\033[K" << line.substr(0, 150) << std::flush;
        open_line_ = true;
        return;
      }
      // Plain lines: at most one every 10 s per group, and the group's last trial.
      const auto now = std::chrono::steady_clock::now();
      const bool last = p.value("done", 0) == p.value("total", -1);
      if (last || now - last_plain_ >= 10s) {
        std::cerr << "progress: " << line << "\n";
        last_plain_ = now;
      }
    } else if (kind == "test") {
      const std::string state = p.value("state", "");
      std::string line = p.value("clause", "") + "  " + state + "  " + p.value("nodeid", "");
      if (state == "finished" && p.value("status", "") != "done") line += "  (" + p.value("status", "") + ")";
      say(line);
    } else if (kind == "rig") {
      say("rig " + p.value("state", "") + (p.contains("rig") ? " (" + p.value("rig", "") + ")" : ""));
    } else if (kind == "session" && p.value("state", "") == "collected") {
      say(std::to_string(p.value("tests", 0)) + " clause test(s)" +
          (p.value("resumed", 0) > 0 ? ", " + std::to_string(p.value("resumed", 0)) + " resumed from the last session" : ""));
    }
  }
  void say(const std::string& line) {
    if (open_line_) std::cerr << "\r\033[K";
    open_line_ = false;
    std::cerr << line << "\n";
  }
  void end() {
    if (open_line_) std::cerr << "\r\033[K" << std::flush;
    open_line_ = false;
  }

 private:
  bool tty_;
  bool open_line_ = false;
  std::chrono::steady_clock::time_point last_plain_{};
};

std::optional<Json> read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  try {
    return Json::parse(in);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

void print_verdicts(const Json& results, const fs::path& results_path) {
  std::cout << "\n" << results["standard"].value("title", results["standard"].value("id", "")) << "\n";
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const auto& c : results.value("clauses", Json::array())) {
    const std::string verdict = c.value("verdict", "?");
    std::cout << "  " << std::left << std::setw(8) << c.value("id", "") << " " << std::setw(11) << verdict << " "
              << c.value("title", "") << "\n";
    if (verdict == "ERROR" && c.contains("error") && c["error"].is_string())
      std::cout << "           " << c["error"].get<std::string>().substr(0, 300) << "\n";
    for (const auto& m : c.value("measurements", Json::array())) {
      const std::string mv = m.value("verdict", "");
      if (mv == "PASS" || mv == "NOT TESTED") continue;
      std::cout << "           " << m.value("name", "") << " [" << m.value("condition", "") << "] "
                << m.value("verdict", "") << "\n";
    }
    counts[verdict == "PASS" ? 0 : verdict == "FAIL" ? 1 : verdict == "ERROR" ? 2 : 3]++;
  }
  std::cout << "\n" << counts[0] << " PASS, " << counts[1] << " FAIL, " << counts[2] << " ERROR, " << counts[3]
            << " NOT TESTED; results in " << results_path.string() << "\n";
}

// 0 every automatable clause PASS, 1 some clause FAIL (or an automatable one was not shown to
// pass), 3 a clause ERROR. The plugin's last session line carries each clause's status.
int verdict_exit_code(const Json& results, const Json& statuses) {
  bool error = false, fail = false, unproven = false;
  for (const auto& c : results.value("clauses", Json::array())) {
    const std::string verdict = c.value("verdict", "");
    const std::string status = statuses.value(c.value("id", ""), "automatable");
    if (verdict == "ERROR") error = true;
    else if (verdict == "FAIL") fail = true;
    else if (verdict != "PASS" && status == "automatable") unproven = true;
  }
  if (error) return kRigError;
  if (fail || unproven) return kFail;
  return kOk;
}

int run_certify(const CertifyArgs& a, const std::string& command_line) {
  if (!fs::is_regular_file(a.rig)) throw CLI::ValidationError("--rig", a.rig + ": no such file");
  const fs::path scenarios = find_scenarios(a.scenarios);
  fs::path standard = a.standard.empty() ? scenarios / "standards" / "jiangxi-2022.toml" : fs::path(a.standard);
  if (!fs::is_regular_file(standard)) throw CLI::ValidationError("--standard", standard.string() + ": no such file");
  const fs::path out = fs::absolute(a.out);
  fs::create_directories(out);
  const std::string python = std::getenv("GATERIG_PYTHON") ? std::getenv("GATERIG_PYTHON") : "/usr/bin/python3";

  std::vector<std::string> argv = {python, "-m", "pytest", "-p", "gaterig.pytest_plugin", "-p", "no:cacheprovider",
                                   "-q", "-rA", "--rootdir", scenarios.string(), scenarios.string(),
                                   "--rig", fs::absolute(a.rig).string(), "--standard", fs::absolute(standard).string(),
                                   "--report-dir", out.string(), "--seed", std::to_string(a.seed)};
  const std::string dut = !a.profile.empty() ? a.profile : a.dut;
  if (!dut.empty()) argv.insert(argv.end(), {"--dut", dut});
  if (a.quick) argv.push_back("--quick");
  if (a.resume) argv.push_back("--resume");
  argv.insert(argv.end(), a.pytest_args.begin(), a.pytest_args.end());

  std::vector<std::string> env;
  const auto package = find_python_package();
  std::string pythonpath = package ? package->string() : "";
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("PYTHONPATH=", 0) == 0) {
      const std::string old = kv.substr(11);
      if (!old.empty()) pythonpath += (pythonpath.empty() ? "" : ":") + old;
      continue;
    }
    if (kv.rfind("GATERIG_EXE=", 0) == 0 || kv.rfind("GATERIG_COMMAND=", 0) == 0) continue;
    env.push_back(kv);
  }
  if (!pythonpath.empty()) env.push_back("PYTHONPATH=" + pythonpath);
  env.push_back("GATERIG_EXE=" + own_executable().string());  // the rig's devsim is this gaterig
  env.push_back("GATERIG_COMMAND=" + command_line);
  env.push_back("PYTHONDONTWRITEBYTECODE=1");
  env.push_back("PYTHONUNBUFFERED=1");

  const fs::path log = out / "pytest.log";
  const fs::path progress_file = out / "progress.jsonl";
  if (!a.resume) fs::remove(progress_file);
  ProgressTail tail(progress_file);
  tail.skip_existing();
  ProgressView view(::isatty(2) == 1);
  {
    std::ofstream(log, std::ios::app) << "\n$ " << command_line << "\n";
  }
  if (!a.json)
    std::cerr << "gaterig certify: " << scenarios.string() << " on " << a.rig << " against " << standard.string()
              << (a.quick ? " (quick)" : "") << (a.resume ? " (resumed)" : "") << "\n  session log " << log.string()
              << (package ? "" : "\n  (gaterig python package not found beside this executable: using the interpreter's path)")
              << "\n";

  Session session(argv, env, log);
  auto& stop = StopSignal::instance();
  bool forwarded = false;
  Json statuses = Json::object();
  std::optional<std::string> session_error;
  auto drain = [&] {
    for (const auto& p : tail.poll()) {
      if (!a.json) view.show(p);
      if (p.value("event", "") == "session" && p.value("state", "") == "finished") {
        if (p.contains("statuses")) statuses = p["statuses"];
        if (p.contains("error")) session_error = p["error"].get<std::string>();
      }
    }
  };
  auto stop_deadline = std::chrono::steady_clock::time_point::max();
  while (!session.wait(200ms)) {
    drain();
    if (stop.requested() && !forwarded) {
      const int sig = stop.signal_number() != 0 ? stop.signal_number() : SIGTERM;
      view.say(std::string("gaterig certify: ") + strsignal(sig) + ": stopping the session (the rig stops, results are written)...");
      session.signal(sig);
      forwarded = true;
      stop_deadline = std::chrono::steady_clock::now() + kStopDeadline;
    }
    if (std::chrono::steady_clock::now() > stop_deadline) {
      view.say("gaterig certify: the session did not stop within " + std::to_string(kStopDeadline.count()) + " s: killed");
      session.signal(SIGKILL);
      session.wait(10s);
      break;
    }
  }
  drain();
  view.end();

  const int pytest_code = session.exit_code();
  const fs::path results_path = out / "results.json";
  const auto results = read_json(results_path);
  int code;
  if (forwarded) code = kInterrupted;
  else if (!results) code = pytest_code == 4 ? kUsage : kRigError;  // 4: pytest usage error
  else code = verdict_exit_code(*results, statuses);

  // The report (reports/report), when this gaterig has the `report` command: OUT/report/.
  std::optional<fs::path> report_dir;
  std::string report_problem;
  if (results && !forwarded && a.has_report_command) {
    const fs::path dir = out / "report";
    std::error_code ec;
    fs::remove_all(dir, ec);  // our own output of an earlier run: `report build` wants it empty
    std::vector<std::string> build_args{own_executable().string(), "report", "build", "--results",
                                        results_path.string(), "--out", dir.string()};
    if (!a.key.empty()) build_args.insert(build_args.end(), {"--key", a.key});
    Session report(build_args, env, out / "report.log");
    if (!report.wait(300s)) report_problem = "gaterig report build did not finish within 300 s";
    else if (report.exit_code() != 0)
      report_problem = "gaterig report build failed (exit " + std::to_string(report.exit_code()) + "), see " + (out / "report.log").string();
    else report_dir = dir;
  }
  if (a.json) {
    Json summary = {{"schema", "gaterig.certify/1"},
                    {"exit_code", code},
                    {"interrupted", forwarded},
                    {"pytest_exit_code", pytest_code},
                    {"results", results ? Json(results_path.string()) : Json(nullptr)},
                    {"log", log.string()},
                    {"report", report_dir ? Json(report_dir->string()) : Json(nullptr)},
                    {"clauses", Json::array()}};
    if (results)
      for (const auto& c : results->value("clauses", Json::array()))
        summary["clauses"].push_back({{"id", c.value("id", "")}, {"verdict", c.value("verdict", "")}});
    if (session_error) summary["error"] = *session_error;
    if (!report_problem.empty()) summary["report_error"] = report_problem;
    std::cout << summary.dump() << std::endl;
    return code;
  }
  if (results) print_verdicts(*results, results_path);
  if (report_dir)
    std::cout << "report in " << report_dir->string()
              << (a.key.empty() ? " (unsigned: pass --key LAB.key, made by `gaterig report keygen`, to sign it)" : " (signed)")
              << "\n";
  if (!report_problem.empty()) std::cerr << "gaterig certify: " << report_problem << "\n";
  if (!results || session_error || (pytest_code != 0 && pytest_code != 1 && !forwarded)) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::cerr << "gaterig certify: the pytest session ended with exit code " << pytest_code
              << (session_error ? " (" + *session_error + ")" : std::string()) << "; last lines of " << log.string() << ":\n"
              << text.substr(text.size() > 3000 ? text.size() - 3000 : 0) << "\n";
  }
  if (forwarded) std::cerr << "gaterig certify: interrupted; continue with --resume\n";
  return code;
}

}  // namespace

void add_certify_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<CertifyArgs>();
  auto* cmd = app.add_subcommand(
      "certify",
      "Certify a terminal: run the scenarios (a pytest session with the gaterig plugin) on a rig\n"
      "against a standard profile, show progress, print every clause's verdict. Writes\n"
      "OUT/results.json (gaterig.results/1), trials.csv, events.jsonl, progress.jsonl, pytest.log.\n"
      "Exit 0 every automatable clause PASS, 1 some FAIL (or not shown to pass), 3 rig ERROR,\n"
      "2 usage, 130 interrupted (continue with --resume).");
  cmd->add_option("--rig", a->rig, "the rig description (rigs/sim.toml)")->required();
  cmd->add_option("--standard", a->standard, "the standard profile (default: SCENARIOS/standards/jiangxi-2022.toml)");
  cmd->add_option("--out", a->out, "the report folder")->capture_default_str();
  cmd->add_option("--scenarios", a->scenarios, "the scenario folder (default: ./scenarios, else the source tree's)");
  cmd->add_option("--profile", a->profile, "sim rig: the devsim profile(s) of the simulated terminal (e.g. no-mask,slow)");
  cmd->add_option("--dut", a->dut, "real rig: a label for the device under test");
  cmd->add_option("--seed", a->seed, "the seed of every trial plan")->capture_default_str();
  cmd->add_option("--key", a->key, "the lab's Ed25519 private key: the report is signed with it")->check(CLI::ExistingFile);
  cmd->add_flag("--quick", a->quick, "a smoke run with fewer trials (verdicts by the quick rule)");
  cmd->add_flag("--resume", a->resume, "continue the interrupted run in --out (finished tests are not repeated)");
  cmd->add_flag("--json", a->json, "print one JSON summary on stdout (schema gaterig.certify/1), no progress");
  cmd->add_option("pytest_args", a->pytest_args, "further pytest arguments, after -- (e.g. -- -k JX_A_2)");
  cmd->callback([a, &exit_code, &app] {
    try {
      a->has_report_command = app.get_subcommand("report") != nullptr;
    } catch (const CLI::OptionNotFound&) {
      a->has_report_command = false;
    }
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string arg, line;
    while (std::getline(in, arg, '\0')) line += (line.empty() ? "" : " ") + shell_quote(arg);
    exit_code = run_certify(*a, line);
  });
}

}  // namespace gaterig::cli
