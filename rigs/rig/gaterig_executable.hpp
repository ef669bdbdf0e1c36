#pragma once
// Which `gaterig` executable runs the rig's child processes (the simulated terminal). The rig may
// run inside `gaterig` itself, inside a test binary or inside python3 (the pybind11 module), so:
//   1. the explicit one (RigOptions::gaterig_exe), else
//   2. $GATERIG_EXE, else
//   3. /proc/self/exe when the running program is named gaterig, else
//   4. the gaterig this library was built with (a compile-time path in the build tree).
// The first that names a missing or non-executable file is an error naming where it came from.
#include <filesystem>
#include <string>

namespace gaterig::rig {

struct GaterigExecutable {
  std::filesystem::path path;
  std::string found_by;  // "RigOptions.gaterig_exe", "GATERIG_EXE", "/proc/self/exe", "build tree"
};

// Throws std::runtime_error naming what was tried.
GaterigExecutable find_gaterig_executable(const std::filesystem::path& explicit_path = {});

}  // namespace gaterig::rig
