#pragma once
// A scenario's recording (the clause recorder's dict, python/gaterig/pytest_plugin.py) as the
// standard's Measurement. Latency samples come in ms (what scenarios see) and go in as ns.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "rigs/standard/clause_result.hpp"
#include "rigs/standard/measurement.hpp"

namespace gaterig::python {

// Throws std::invalid_argument naming the measurement and the field.
standard::Measurement measurement_from_json(const nlohmann::json& j, std::uint64_t seed);
std::vector<standard::ClauseRecordings> recordings_from_json(const nlohmann::json& list, std::uint64_t seed);

}  // namespace gaterig::python
