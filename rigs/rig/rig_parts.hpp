#pragma once
// Internal to the Rig (rig.cpp, rig_check.cpp): the parts kept out of rig.hpp so that its users do
// not compile the platform's server headers.
#include <memory>
#include <optional>
#include <string>

#include "rigs/rig/fixture_source.hpp"
#include "simulator/platform/platform_config.hpp"
#include "simulator/platform/platform_service.hpp"

namespace gaterig::rig {

struct Rig::Parts {
  std::optional<ResolvedFixtures> fixtures;
  platform::PlatformConfig platform_config;
  std::unique_ptr<platform::PlatformService> platform;
  std::string wire_path, monitor_path;
};

}  // namespace gaterig::rig
