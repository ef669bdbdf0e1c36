#include "rigs/rig/gaterig_executable.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#ifndef GATERIG_BUILD_EXE
#define GATERIG_BUILD_EXE ""
#endif

namespace gaterig::rig {
namespace {

bool executable(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

GaterigExecutable checked(std::filesystem::path p, std::string by) {
  if (!executable(p)) throw std::runtime_error(by + " names " + p.string() + ", which is not an executable file");
  return {std::move(p), std::move(by)};
}

}  // namespace

GaterigExecutable find_gaterig_executable(const std::filesystem::path& explicit_path) {
  if (!explicit_path.empty()) return checked(explicit_path, "RigOptions.gaterig_exe");
  if (const char* env = std::getenv("GATERIG_EXE"); env != nullptr && *env != '\0') return checked(env, "GATERIG_EXE");
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && self.filename() == "gaterig" && executable(self)) return {self, "/proc/self/exe"};
  const std::filesystem::path built = GATERIG_BUILD_EXE;
  if (!built.empty() && executable(built)) return {built, "build tree"};
  throw std::runtime_error(
      "cannot find the gaterig executable to run the simulated terminal: set GATERIG_EXE (or "
      "RigOptions.gaterig_exe); this program is " + (ec ? std::string("unknown") : self.string()) +
      (built.empty() ? std::string() : ", and the build's " + built.string() + " does not exist"));
}

}  // namespace gaterig::rig
