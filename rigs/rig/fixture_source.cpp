#include "rigs/rig/fixture_source.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "fixtures/build.hpp"
#include "fixtures/face/model_paths.hpp"
#include "fixtures/import.hpp"
#include "fixtures/set_identity.hpp"
#include "fixtures/set_synth.hpp"
#include "fixtures/synthetic/selection.hpp"
#include "fixtures/variants/qr_payload.hpp"
#include "rigs/rig/gaterig_executable.hpp"

namespace gaterig::rig {
namespace fs = std::filesystem;

fs::path default_cache_root() {
  if (const char* c = std::getenv("GATERIG_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "gaterig";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "gaterig";
  return fs::temp_directory_path() / ("gaterig-cache-" + std::to_string(::getuid()));
}

namespace {

std::string file_sha256(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return crypto::sha256_hex(s.str());
}

std::string versioned_key(const std::string& key) {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "v" + std::string(...).
  std::string out = "v";
  out += fixtures::kGaterigVersion;
  out += '-';
  out += crypto::sha256_hex(key).substr(0, 16);
  return out;
}

// YuNet's folder as the simulated terminal finds it: the rig may run inside python3 or a test binary
// in any working directory, so the gaterig it starts (its build tree is inside the repo) is asked too.
fs::path yunet_dir() {
  fs::path dir = fixtures::find_face_models().yunet_dir();
  if (!dir.empty()) return dir;
  fs::path exe;
  try {
    exe = find_gaterig_executable().path;
  } catch (const std::exception&) {
    return dir;
  }
  for (fs::path p = exe.parent_path(); !p.empty(); p = p.parent_path()) {
    dir = fixtures::find_face_models(p).yunet_dir();
    if (!dir.empty() || p == p.root_path()) break;
  }
  return dir;
}

// The detector decides the rule's landmarks and where masks and helmets go: another model, another set.
std::string detector_model_identity() {
  const fs::path dir = yunet_dir();
  if (dir.empty()) return "haar";
  return "yunet " + file_sha256(dir / "yunet-static.onnx");
}

std::string variants_key(const std::vector<std::string>& variants, int per_person) {
  std::ostringstream key;
  key << " variants=";
  for (const auto& v : variants) key << v << ",";
  key << " per_person=" << per_person << " detector " << detector_model_identity();
  // A variant whose drawing changed carries a revision: a set cached before it is built again.
  key << " qr/" << fixtures::kQrVariantRevision;
  return key.str();
}

}  // namespace

std::string synth_cache_key(const SynthParams& p) { return synth_cache_key(p, {}, 0); }

std::string synth_cache_key(const SynthParams& p, const std::vector<std::string>& variants, int variants_per_person) {
  // The generator's version: gaterig's, and the optimised identities it draws from (a retuned
  // identity list makes different faces under the same parameters).
  std::ostringstream ids;
  for (auto id : fixtures::default_synthetic_identities()) ids << id << ",";
  std::ostringstream key;
  key << "synth/1 gaterig " << fixtures::kGaterigVersion << " identities " << crypto::sha256_hex(ids.str())
      << " persons=" << p.persons << " impostors=" << p.impostors << " samples=" << p.samples << " seed=" << p.seed
      << " cards=" << p.cards;
  if (!variants.empty()) key << variants_key(variants, variants_per_person);  // keys of plain sets unchanged
  return versioned_key(key.str());
}

std::string import_cache_key(const ImportParams& p, const std::string& folder_sha256,
                             const std::vector<std::string>& variants, int variants_per_person) {
  std::ostringstream key;
  key << "import/2 gaterig " << fixtures::kGaterigVersion << " folder " << folder_sha256
      << " enrolled_fraction=" << p.enrolled_fraction << " seed=" << p.seed << " cards=" << p.cards;
  if (p.cooperative) key << " cooperative=" << p.max_tilt_deg << "," << p.max_nose_offset;
  key << variants_key(variants, variants_per_person);
  return versioned_key(key.str());
}

std::string folder_contents_sha256(const fs::path& folder) {
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied), end; it != end; ++it)
    if (it->is_regular_file()) files.push_back(it->path());
  std::vector<std::string> rel;
  rel.reserve(files.size());
  for (const auto& f : files) rel.push_back(f.lexically_relative(folder).generic_string());
  std::sort(rel.begin(), rel.end());
  std::ostringstream all;
  for (const auto& r : rel) all << r << '\0' << file_sha256(folder / r) << '\n';
  return crypto::sha256_hex(all.str());
}

namespace {

ResolvedFixtures load(const fs::path& dir, std::string origin) {
  ResolvedFixtures r;
  r.dir = fs::absolute(dir).lexically_normal();
  r.set = fixtures::load_manifest(r.dir);
  r.origin = std::move(origin);
  r.manifest_sha256 = file_sha256(fixtures::manifest_path(r.dir));
  return r;
}

fs::path cache_dir_of(const FixturesSource& source, const fs::path& cache_root) {
  return (source.cache.empty() ? (cache_root.empty() ? default_cache_root() : cache_root) : source.cache) / "fixtures";
}

// Makes a set into `dir` once: `make` fills a temporary folder, the variants are built into it, and
// it is renamed into place. Returns true when it was made now, false when it was there already.
bool make_once(const fs::path& dir, const FixturesSource& source, std::uint64_t variant_seed,
               const std::function<void(const fs::path& tmp)>& make, const std::function<bool()>& stop) {
  if (fs::exists(fixtures::manifest_path(dir))) return false;
  const fs::path root = dir.parent_path();
  fs::create_directories(root);
  const fs::path tmp = root / (".making-" + dir.filename().string() + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  try {
    make(tmp);
    if (!source.variants.empty()) {
      fixtures::BuildOptions b;
      b.set_dir = tmp;
      b.kinds = source.variants;
      b.per_person = source.variants_per_person;
      b.seed = variant_seed;
      b.jobs = 2;  // the machine's share (STYLE: never more than two)
      b.models_dir = yunet_dir();
      b.stop = stop;
      b.progress_out = &std::cerr;
      b.progress_interactive = ::isatty(2) == 1;
      std::string kinds;
      for (const auto& k : source.variants) kinds += (kinds.empty() ? "" : ",") + k;
      LOG_INFO("rig", "fixtures: building variants " << kinds << " (" << source.variants_per_person
                                                      << " per person and kind; progress below)");
      const auto report = fixtures::build_variants(b);
      if (report.interrupted) throw std::runtime_error("fixtures: building the variants was interrupted");
      LOG_INFO("rig", "fixtures: " << report.made << " variant presentations made in " << report.seconds << " s ("
                                   << report.no_face << " sources without a face skipped)");
      auto built = fixtures::load_manifest(tmp);
      built.info.source += "; variants " + kinds + " (" + std::to_string(source.variants_per_person) +
                           " source probes per person and kind)";
      fixtures::save_manifest(built, tmp);
    }
    // Named after where it is kept, not after the temporary folder it was made in.
    auto made = fixtures::load_manifest(tmp);
    made.info.name = dir.filename().string();
    fixtures::save_manifest(made, tmp);
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
  std::error_code ec;
  fs::rename(tmp, dir, ec);
  if (ec) {
    fs::remove_all(tmp);  // another run made it first: theirs is as good as ours
    if (!fs::exists(fixtures::manifest_path(dir)))
      throw std::runtime_error("fixtures: cannot move the set into " + dir.string() + ": " + ec.message());
  }
  return true;
}

ResolvedFixtures resolve_synth(const SynthParams& p, const FixturesSource& source, const fs::path& cache_root,
                               const std::function<bool()>& stop) {
  const fs::path dir = cache_dir_of(source, cache_root) / ("synth-" + synth_cache_key(p, source.variants, source.variants_per_person));
  const bool made = make_once(
      dir, source, p.seed,
      [&](const fs::path& tmp) {
        fixtures::SynthOptions o;
        o.out = tmp;
        o.persons = p.persons;
        o.impostors = p.impostors;
        o.samples = p.samples;
        o.seed = p.seed;
        o.card_format = *fixtures::parse_wiegand_format(p.cards);
        o.stop = stop;
        o.warn = [](const std::string& w) { LOG_WARN("rig", "fixtures: " << w); };
        LOG_INFO("rig", "fixtures: making the synthetic set " << dir.string() << " (" << p.persons << " enrolled, "
                                                              << p.impostors << " impostors, " << p.samples
                                                              << " samples)");
        const auto report = fixtures::make_synthetic_set(o);
        if (report.interrupted) throw std::runtime_error("fixtures: making the synthetic set was interrupted");
      },
      stop);
  if (!made) LOG_INFO("rig", "fixtures: synthetic set from the cache " << dir.string());
  return load(dir, made ? "synthetic (made now)" : "synthetic (cached)");
}

ResolvedFixtures resolve_import(const ImportParams& p, const FixturesSource& source, const fs::path& cache_root,
                                const std::function<bool()>& stop) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string folder_sha = folder_contents_sha256(p.folder);
  const fs::path dir = cache_dir_of(source, cache_root) /
                       ("import-" + import_cache_key(p, folder_sha, source.variants, source.variants_per_person));
  const bool made = make_once(
      dir, source, p.seed,
      [&](const fs::path& tmp) {
        LOG_INFO("rig", "fixtures: building the certification set once from " << p.folder.string() << " into "
                                                                               << dir.string()
                                                                               << " (later runs reuse it)");
        fixtures::ImportOptions o;
        o.from = p.folder;
        o.out = tmp;
        o.seed = p.seed;
        o.enrolled_fraction = p.enrolled_fraction;
        o.card_format = *fixtures::parse_wiegand_format(p.cards);
        o.platform_formats = true;
        o.models_dir = yunet_dir();  // the rig enrolls through its platform: headImage is JPEG or PNG
        if (p.cooperative) o.cooperative = fixtures::FrontalRule{p.max_tilt_deg, p.max_nose_offset};
        const auto r = fixtures::import_tree(o, [](const std::string& w) { LOG_WARN("rig", "fixtures: import: " << w); });
        LOG_INFO("rig", "fixtures: imported " << r.persons_enrolled << " enrolled + " << r.persons_impostor
                                              << " impostor persons, " << r.probe_images << " probes"
                                              << (p.cooperative ? ", " + std::to_string(r.probes_not_cooperative) +
                                                                      " outside the cooperative rule left out"
                                                                : std::string()));
        if (stop && stop()) throw std::runtime_error("fixtures: building the certification set was interrupted");
      },
      stop);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (made) LOG_INFO("rig", "fixtures: certification set built in " << s << " s: " << dir.string());
  else LOG_INFO("rig", "fixtures: certification set from the cache " << dir.string() << " (checked in " << s << " s)");
  return load(dir, made ? "import (made now)" : "import (cached)");
}

}  // namespace

ResolvedFixtures resolve_fixtures(const FixturesSource& source, const fs::path& cache_root,
                                  std::function<bool()> stop) {
  if (source.import) {
    std::error_code ec;
    if (fs::is_directory(source.import->folder, ec)) return resolve_import(*source.import, source, cache_root, stop);
    // The lab's photos are not on this machine: the run still works, on the synthetic set, and
    // says so where the report will show it.
    const SynthParams p = source.synth.value_or(SynthParams{});
    const std::string folder = fs::absolute(source.import->folder).lexically_normal().string();
    const std::string warning = "the import folder " + folder +
                                " is absent: the certification set is the synthetic one (" + std::to_string(p.persons) +
                                " enrolled, " + std::to_string(p.impostors) + " impostors), not the lab's photos";
    LOG_WARN("rig", "fixtures: " << warning);
    ResolvedFixtures r = resolve_synth(p, source, cache_root, stop);
    r.origin.replace(0, std::string("synthetic").size(), "synthetic fallback");
    r.warning = warning;
    r.set.info.source = "synthetic set standing in for the import of " + folder + " (absent on this machine); " +
                        r.set.info.source;
    return r;
  }
  if (source.synth) return resolve_synth(*source.synth, source, cache_root, stop);
  return load(source.set, "set");
}

}  // namespace gaterig::rig
