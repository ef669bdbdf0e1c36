#pragma once
// Reports built once per test run from the example results (tests/report/data), into a private
// temporary folder, with a fixed issue time so every build is comparable byte for byte.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/report/ed25519.hpp"

namespace gaterig::report::testing {

struct BuiltReports {
  std::filesystem::path root;       // a private temporary folder
  std::filesystem::path compliant;  // signed report folders
  std::filesystem::path degraded;
  std::string public_key;           // raw
  std::filesystem::path key_file, pub_file;
};

// Built on first use (the lab key is generated then), removed at exit.
const BuiltReports& built();

std::filesystem::path data_dir();
std::filesystem::path scratch(const std::string& name);  // a fresh empty folder under built().root
std::string slurp(const std::filesystem::path& p);
void spit(const std::filesystem::path& p, const std::string& bytes);
void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to);
// Runs a shell command line, returns its exit status; stdout+stderr into `output`.
int run(const std::string& command_line, std::string* output = nullptr);

inline constexpr const char* kIssued = "2027-03-05T09:00:00+08:00";

}  // namespace gaterig::report::testing
