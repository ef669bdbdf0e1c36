// The simulated terminal's face engine on every condition a certification shows (JX-A.2 normal,
// JX-A.4 masks, JX-A.6 light, JX-A.9 attacks), on a built fixture set, per presentation kind:
//   devsim_face_conditions --set DIR [--profile NAME] [--threshold T] [--swap-roles]
//       [--bench-light] [--normalise-light] [--dump FILE.jsonl] [--json] [--threads N]
// Every enrolled person's enrollment photo is enrolled as bytes (as the worker sync gives it). Each
// presentation is analysed twice, as the rig's two terminal modes see it:
//   test      liveness off: genuine = accepted as the right person (matched, rank 1 = the person),
//             impostor = false accept (matched, anyone);
//   liveness  liveness on: attack accepted = some frame matched AND judged live (what opens the
//             gate, APCER); bona fide refused as a spoof (BPCER).
// A video is every one of its frames (any frame accepted opens the gate); a still is one frame.
// --bench-light adds the rig's JX-A.6 groups: the plain normal-light photos seen through the
// simulated bench at strong and back light (simulator/bench/scene.hpp, the rig's levels:
// strong = front 1, ambient 1; back = back 1, ambient 1), as the rig's camera sees them.
// --swap-roles measures the split's other half (impostors enrolled with their first plain photo,
// the enrolled persons become impostors; their variants then count as impostor presentations).
// The engine sees pixels only: the tool uses the manifest to score outcomes, never to steer the
// engine.
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/event.hpp"
#include "fixtures/manifest.hpp"
#include "simulator/bench/scene.hpp"
#include "simulator/device/face/face_engine.hpp"
#include "tests/bench/device/swap_roles.hpp"

using namespace gaterig;
using namespace gaterig::device;
namespace fs = std::filesystem;

namespace {

struct Args {
  fs::path set_dir, dump;
  std::string profile = "compliant";
  double threshold = 0.45;  // the sim rig's compliant threshold (rigs/sim.toml)
  bool swap_roles = false, bench_light = false, json = false, normalise_light = false, measure = true;
  std::string only;                          // one group only ("bench-back", "mask", ...)
  double dark_level = -1, dark_target = -1;  // engine defaults unless given
  int threads = 2;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "devsim_face_conditions: " << why
            << "\nusage: devsim_face_conditions --set DIR [--profile NAME] [--threshold T] [--swap-roles] [--bench-light]"
               " [--normalise-light] [--dump FILE.jsonl] [--json] [--threads N] [--only GROUP] [--no-measure]"
               " [--dark-level L] [--dark-target T]\n";
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(k + " needs a value");
      return argv[++i];
    };
    if (k == "--set") a.set_dir = value();
    else if (k == "--profile") a.profile = value();
    else if (k == "--threshold") a.threshold = std::stod(value());
    else if (k == "--swap-roles") a.swap_roles = true;
    else if (k == "--bench-light") a.bench_light = true;
    else if (k == "--dump") a.dump = value();
    else if (k == "--normalise-light") a.normalise_light = true;
    else if (k == "--json") a.json = true;
    else if (k == "--only") a.only = value();
    else if (k == "--no-measure") a.measure = false;
    else if (k == "--dark-level") a.dark_level = std::stod(value());
    else if (k == "--dark-target") a.dark_target = std::stod(value());
    else if (k == "--threads") a.threads = std::clamp(std::stoi(value()), 1, 2);
    else usage("unknown option " + k);
  }
  if (a.set_dir.empty()) usage("--set is required");
  return a;
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One trial: a presentation (or a bench-lit plain photo), with what its outcome is scored as.
struct Item {
  const fixtures::Presentation* pr = nullptr;
  std::string group;  // "original", "mask", "print", ..., "bench-strong", "bench-back"
  bool genuine = false;
  std::optional<BenchLight> light;
};

struct Result {
  bool face = false;
  bool test_accept = false;       // test mode: matched (genuine: as the right person)
  bool test_wrong = false;        // genuine matched as someone else
  bool live_accept = false;       // liveness mode: some frame matched and live
  bool spoof = false;             // liveness mode: some frame judged a spoof
  bool mask_flag = false;
  double best = -1;               // test mode: best similarity over the frames
  double ms = 0;                  // analysis time per frame (test + liveness mode)
  int frames = 0;
};

struct Tally {
  int n = 0, face = 0, accept = 0, wrong = 0, live_accept = 0, spoof = 0, mask = 0, frames = 0;
  double ms = 0;
  std::vector<double> best;
};

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const auto t0 = std::chrono::steady_clock::now();
  fixtures::FixtureSet set = fixtures::load_manifest(a.set_dir);
  if (a.swap_roles) bench::swap_roles(set);

  FaceEngineConfig test_cfg;
  test_cfg.engine = "dnn";
  test_cfg.match_threshold = a.threshold;
  if (a.profile != "compliant") apply_face_profile(test_cfg, a.profile);
  test_cfg.periocular_measure = a.measure;  // the upper face's best match in every analysis (--dump)
  if (a.dark_level >= 0) test_cfg.dark_face_level = a.dark_level;
  if (a.dark_target >= 0) test_cfg.dark_face_target = a.dark_target;
  test_cfg.liveness_model_always = true;
  test_cfg.normalise_light = a.normalise_light;
  FaceEngineConfig live_cfg = test_cfg;
  test_cfg.check_liveness = false;  // the rig's "test" mode
  live_cfg.check_liveness = true;   // "liveness" mode (a no-liveness profile keeps it removed)

  struct Pair {
    std::unique_ptr<FaceEngine> test, live;
  };
  std::vector<Pair> engines;
  for (int t = 0; t < a.threads; ++t) engines.push_back({FaceEngine::open(test_cfg), FaceEngine::open(live_cfg)});
  std::map<std::string, bool> enrolled;
  for (const auto& p : set.persons) {
    if (p.role != fixtures::Role::enrolled || !p.enrollment) continue;
    const auto bytes = read_bytes(a.set_dir / p.enrollment->path);
    bool ok = true;
    for (auto& e : engines) {
      ok = e.test->enroll(p.id, bytes).ok() && ok;
      ok = e.live->enroll(p.id, bytes).ok() && ok;
    }
    enrolled[p.id] = ok;
    if (!ok) std::cerr << "enroll " << p.id << " failed\n";
  }

  std::vector<Item> items;
  for (const auto& pr : set.presentations) {
    const fixtures::Person* person = set.find_person(pr.person);
    if (person == nullptr || pr.tags.qr) continue;
    Item it;
    it.pr = &pr;
    it.genuine = person->role == fixtures::Role::enrolled && enrolled[person->id];
    it.group = pr.derived_from ? pr.derived_from->kind : "original";
    if (it.group == "original" && pr.tags.light != fixtures::Light::normal) continue;
    if (a.only.empty() || a.only == it.group) items.push_back(it);
    if (a.bench_light && it.group == "original") {
      for (const auto& [name, light] : {std::pair{"bench-strong", BenchLight{1.0, 0.0, 1.0}},
                                        std::pair{"bench-back", BenchLight{0.0, 1.0, 1.0}}}) {
        Item b = it;
        b.group = name;
        b.light = light;
        if (a.only.empty() || a.only == b.group) items.push_back(b);
      }
    }
  }

  std::vector<Result> results(items.size());
  std::vector<Json> dumps(items.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  const Scene scene;
  for (int t = 0; t < a.threads; ++t)
    pool.emplace_back([&, t] {
      Pair& e = engines[static_cast<std::size_t>(t)];
      for (std::size_t k; (k = next++) < items.size();) {
        const Item& it = items[k];
        Result& r = results[k];
        Json frames = Json::array();
        for (std::size_t f = 0; f < it.pr->frames.size(); ++f) {
          cv::Mat img = cv::imread((a.set_dir / it.pr->frames[f].path).string(), cv::IMREAD_COLOR);
          if (img.empty()) {
            std::cerr << "cannot read " << it.pr->frames[f].path << "\n";
            continue;
          }
          if (it.light) img = scene.render(img, *it.light, 1000 + k);
          const FrameAnalysis x = e.test->analyse(img);
          const FrameAnalysis y = e.live->analyse(img);
          ++r.frames;
          r.ms += static_cast<double>(x.elapsed.count() + y.elapsed.count()) / 1000.0;
          r.face = r.face || x.face_found;
          r.mask_flag = r.mask_flag || (x.mask.checked && x.mask.present);
          if (x.best) r.best = std::max(r.best, static_cast<double>(x.best->similarity));
          if (x.matched && x.best) {
            if (!it.genuine || x.best->person == it.pr->person) r.test_accept = true;
            else r.test_wrong = true;
          }
          const bool live_ok = !y.liveness.checked || y.liveness.live;
          if (y.face_found && !live_ok) r.spoof = true;
          if (y.matched && y.best && live_ok && (!it.genuine || y.best->person == it.pr->person)) r.live_accept = true;
          if (!a.dump.empty()) frames.push_back(Json{{"test", x.to_json()}, {"liveness", y.to_json()}});
        }
        if (!a.dump.empty())
          dumps[k] = Json{{"presentation", it.pr->id}, {"person", it.pr->person}, {"group", it.group},
                          {"genuine", it.genuine}, {"frames", frames}};
      }
    });
  for (auto& th : pool) th.join();

  std::map<std::string, Tally> tally;  // "<group>/<genuine|impostor>"
  for (std::size_t k = 0; k < items.size(); ++k) {
    const Item& it = items[k];
    const Result& r = results[k];
    Tally& y = tally[it.group + (it.genuine ? "/genuine" : "/impostor")];
    ++y.n;
    y.face += r.face;
    y.accept += r.test_accept;
    y.wrong += r.test_wrong;
    y.live_accept += r.live_accept;
    y.spoof += r.spoof;
    y.mask += r.mask_flag;
    y.frames += r.frames;
    y.ms += r.ms;
    if (r.face) y.best.push_back(r.best);
  }
  if (!a.dump.empty()) {
    std::ofstream out(a.dump);
    for (const auto& d : dumps) out << d.dump() << "\n";
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Json groups = Json::object();
  for (const auto& [name, y] : tally)
    groups[name] = Json{{"presentations", y.n}, {"face_found", y.face}, {"test_accept", y.accept}, {"wrong_person", y.wrong},
                        {"liveness_accept", y.live_accept}, {"spoof_flagged", y.spoof}, {"mask_flagged", y.mask},
                        {"best_median", quantile(y.best, 0.5)}, {"best_max", quantile(y.best, 1.0)},
                        {"ms_per_frame_both_modes", y.frames ? y.ms / y.frames : 0.0}};
  const Json j{{"schema", "gaterig.bench.devsim_face_conditions/1"},
               {"set", a.set_dir.string()},
               {"profile", a.profile},
               {"threshold", a.threshold},
               {"swap_roles", a.swap_roles},
               {"groups", groups},
               {"seconds", secs}};
  if (a.json) {
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::printf("profile %s, threshold %.3f%s, %.0f s\n", a.profile.c_str(), a.threshold, a.swap_roles ? ", roles swapped" : "", secs);
  std::printf("%-24s %5s %5s | %-18s | %-18s | %6s %6s | %5s\n", "group", "n", "face", "test accept (wrong)",
              "liveness accept", "spoof", "mask", "ms");
  for (const auto& [name, y] : tally)
    std::printf("%-24s %5d %5d | %6d (%2d) %9s | %6d %11s | %6d %6d | %5.1f\n", name.c_str(), y.n, y.face, y.accept, y.wrong, "",
                y.live_accept, "", y.spoof, y.mask, y.frames ? y.ms / y.frames : 0.0);
  return 0;
}
