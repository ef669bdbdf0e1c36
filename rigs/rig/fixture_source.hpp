#pragma once
// The rig's image set, from [fixtures]: an existing set folder; a lab's photo folder imported once
// (with the cooperative rule and the variants the scenarios need) into a cache folder keyed by the
// folder's contents, the options, the face detector model and gaterig's version; or a synthetic set
// made once into the cache likewise. Made in a temporary folder and renamed, so two runs never see
// half a set; reused by every later run with the same key.
// Cache root, first that is set: [fixtures] cache, RigOptions::cache_dir, $GATERIG_CACHE,
// $XDG_CACHE_HOME/gaterig, $HOME/.cache/gaterig; the set is <root>/fixtures/{import,synth}-<key>.
// An import folder that is absent is not an error: the synthetic set stands in, with a warning,
// and the set's info.source says so (it reaches the report as fixture_set.source).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "fixtures/manifest.hpp"
#include "rigs/rig/rig_description.hpp"

namespace gaterig::rig {

struct ResolvedFixtures {
  std::filesystem::path dir;    // the set folder (manifest.json inside)
  fixtures::FixtureSet set;
  // "set", "import (made now)", "import (cached)", "synthetic (made now)", "synthetic (cached)",
  // "synthetic fallback (cached)" ...
  std::string origin;
  std::string manifest_sha256;
  std::string warning;          // the fallback: which folder was missing and what stands in ("" = none)
};

std::filesystem::path default_cache_root();
// "v<version>-<16 hex>": the synthetic generator's version (gaterig version and the default
// identities) and the parameters; the variants (kinds, per person, detector model) when there are any.
std::string synth_cache_key(const SynthParams& p);
std::string synth_cache_key(const SynthParams& p, const std::vector<std::string>& variants, int variants_per_person);
// "v<version>-<16 hex>" of the import folder's contents (every file's path and bytes), the import
// options, the variants and the face detector model the rule and the variants were decided with.
std::string import_cache_key(const ImportParams& p, const std::string& folder_sha256,
                             const std::vector<std::string>& variants, int variants_per_person);
// sha256 over every regular file below `folder`: relative path and bytes, in path order.
std::string folder_contents_sha256(const std::filesystem::path& folder);

// Throws std::runtime_error / fixtures::ManifestError naming the folder.
ResolvedFixtures resolve_fixtures(const FixturesSource& source, const std::filesystem::path& cache_root,
                                  std::function<bool()> stop = {});

}  // namespace gaterig::rig
