#pragma once
// The rig's image set, from [fixtures]: an existing set folder, or a synthetic set made once into
// a cache folder keyed by its parameters and the generator's version, and reused by every later
// run with the same key (made in a temporary folder and renamed, so two runs never see half a set).
// Cache root, first that is set: [fixtures] cache, RigOptions::cache_dir, $GATERIG_CACHE,
// $XDG_CACHE_HOME/gaterig, $HOME/.cache/gaterig; the set is <root>/fixtures/synth-<key>.
#include <filesystem>
#include <functional>
#include <string>

#include "fixtures/manifest.hpp"
#include "rigs/rig/rig_description.hpp"

namespace gaterig::rig {

struct ResolvedFixtures {
  std::filesystem::path dir;    // the set folder (manifest.json inside)
  fixtures::FixtureSet set;
  std::string origin;           // "set", "synthetic (made now)", "synthetic (cached)"
  std::string manifest_sha256;
};

std::filesystem::path default_cache_root();
// "v<version>-<16 hex>": the synthetic generator's version (gaterig version and the default
// identities) and the parameters.
std::string synth_cache_key(const SynthParams& p);

// Throws std::runtime_error / fixtures::ManifestError naming the folder.
ResolvedFixtures resolve_fixtures(const FixturesSource& source, const std::filesystem::path& cache_root,
                                  std::function<bool()> stop = {});

}  // namespace gaterig::rig
