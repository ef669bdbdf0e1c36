#include "rigs/rig/fixture_source.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "fixtures/set_identity.hpp"
#include "fixtures/set_synth.hpp"
#include "fixtures/synthetic/selection.hpp"

namespace gaterig::rig {
namespace fs = std::filesystem;

fs::path default_cache_root() {
  if (const char* c = std::getenv("GATERIG_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "gaterig";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "gaterig";
  return fs::temp_directory_path() / ("gaterig-cache-" + std::to_string(::getuid()));
}

std::string synth_cache_key(const SynthParams& p) {
  // The generator's version: gaterig's, and the optimised identities it draws from (a retuned
  // identity list makes different faces under the same parameters).
  std::ostringstream ids;
  for (auto id : fixtures::default_synthetic_identities()) ids << id << ",";
  std::ostringstream key;
  key << "synth/1 gaterig " << fixtures::kGaterigVersion << " identities " << crypto::sha256_hex(ids.str())
      << " persons=" << p.persons << " impostors=" << p.impostors << " samples=" << p.samples << " seed=" << p.seed
      << " cards=" << p.cards;
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "v" + std::string(...).
  std::string out = "v";
  out += fixtures::kGaterigVersion;
  out += '-';
  out += crypto::sha256_hex(key.str()).substr(0, 16);
  return out;
}

namespace {

std::string file_sha256(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return crypto::sha256_hex(s.str());
}

ResolvedFixtures load(const fs::path& dir, std::string origin) {
  ResolvedFixtures r;
  r.dir = fs::absolute(dir).lexically_normal();
  r.set = fixtures::load_manifest(r.dir);
  r.origin = std::move(origin);
  r.manifest_sha256 = file_sha256(fixtures::manifest_path(r.dir));
  return r;
}

}  // namespace

ResolvedFixtures resolve_fixtures(const FixturesSource& source, const fs::path& cache_root,
                                  std::function<bool()> stop) {
  if (!source.synth) return load(source.set, "set");
  const SynthParams& p = *source.synth;
  const fs::path root = (source.cache.empty() ? (cache_root.empty() ? default_cache_root() : cache_root) : source.cache) / "fixtures";
  const fs::path dir = root / ("synth-" + synth_cache_key(p));
  if (fs::exists(fixtures::manifest_path(dir))) {
    LOG_INFO("rig", "fixtures: synthetic set from the cache " << dir.string());
    return load(dir, "synthetic (cached)");
  }
  fs::create_directories(root);
  const fs::path tmp = root / (".making-" + dir.filename().string() + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fixtures::SynthOptions o;
  o.out = tmp;
  o.persons = p.persons;
  o.impostors = p.impostors;
  o.samples = p.samples;
  o.seed = p.seed;
  o.card_format = *fixtures::parse_wiegand_format(p.cards);
  o.stop = std::move(stop);
  o.warn = [](const std::string& w) { LOG_WARN("rig", "fixtures: " << w); };
  LOG_INFO("rig", "fixtures: making the synthetic set " << dir.string() << " (" << p.persons << " enrolled, "
                                                        << p.impostors << " impostors, " << p.samples << " samples)");
  const auto report = fixtures::make_synthetic_set(o);
  if (report.interrupted) {
    fs::remove_all(tmp);
    throw std::runtime_error("fixtures: making the synthetic set was interrupted");
  }
  {
    // Named after where it is kept, not after the temporary folder it was made in.
    auto made = fixtures::load_manifest(tmp);
    made.info.name = dir.filename().string();
    fixtures::save_manifest(made, tmp);
  }
  std::error_code ec;
  fs::rename(tmp, dir, ec);
  if (ec) {
    fs::remove_all(tmp);  // another run made it first: theirs is as good as ours
    if (!fs::exists(fixtures::manifest_path(dir)))
      throw std::runtime_error("fixtures: cannot move the synthetic set into " + dir.string() + ": " + ec.message());
  }
  return load(dir, "synthetic (made now)");
}

}  // namespace gaterig::rig
