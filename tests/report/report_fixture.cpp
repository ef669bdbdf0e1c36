#include "report_fixture.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "reports/report/report_package.hpp"
#include "reports/report/results_document.hpp"

namespace gaterig::report::testing {

namespace fs = std::filesystem;

namespace {
struct Cleanup {
  fs::path root;
  ~Cleanup() {
    std::error_code ec;
    if (!root.empty() && !std::getenv("GATERIG_KEEP_REPORTS")) fs::remove_all(root, ec);
  }
};
Cleanup cleanup;
}  // namespace

fs::path data_dir() { return GATERIG_REPORT_DATA; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error(p.string() + ": cannot write");
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

const BuiltReports& built() {
  static const BuiltReports b = [] {
    BuiltReports r;
    r.root = fs::temp_directory_path() / ("gaterig-report-test-" + std::to_string(::getpid()));
    fs::remove_all(r.root);
    fs::create_directories(r.root);
    cleanup.root = r.root;
    const auto key = SigningKey::generate();
    r.key_file = r.root / "lab.key";
    r.pub_file = r.root / "lab.key.pub";
    key.save(r.key_file);
    r.public_key = key.public_key();
    BuildOptions o;
    o.issued = kIssued;
    r.compliant = r.root / "compliant";
    r.degraded = r.root / "degraded";
    write_report_package(load_results(data_dir() / "results-compliant.json"), o, r.compliant, &key);
    write_report_package(load_results(data_dir() / "results-degraded.json"), o, r.degraded, &key);
    return r;
  }();
  return b;
}

fs::path scratch(const std::string& name) {
  const fs::path p = built().root / "scratch" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

int run(const std::string& command_line, std::string* output) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command_line + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) throw std::runtime_error("cannot run: " + command_line);
  std::array<char, 4096> buf{};
  std::string out;
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe.release());
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace gaterig::report::testing
