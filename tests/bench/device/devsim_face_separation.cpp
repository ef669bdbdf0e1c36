// Measures the simulated terminal's own face engine (FaceEngine::open, the devsim's config) on the
// presentations a certification makes of a fixture set: every enrolled person's enrollment photo
// goes in as bytes (as the worker sync gives it), then
//   genuine   every plain presentation of an enrolled person, 1:N against the whole gallery:
//             accepted when the best match is that person at or above the threshold;
//   impostor  every plain presentation of an impostor (never enrolled), 1:N: a false accept when
//             the best match reaches the threshold.
// A presentation is `--frames` camera frames of the same still, each with Gaussian sensor noise of
// `--camera-noise` grey levels (when --frames > 1); the terminal accepts on the first frame that
// matches, i.e. it decides on the best frame it sees.
// Prints the error sources: failures to acquire (no face), wrong person at rank 1, genuine scores
// below the threshold, impostor best scores, with the worst cases and their sample conditions.
//   devsim_face_separation (--set DIR | --synth PERSONS,IMPOSTORS,SAMPLES,SEED [--keep DIR])
//       [--threshold T] [--frames K] [--camera-noise SD] [--profile NAME] [--threads N] [--json]
//       [--worst N] [--probe-level enrollment|cooperative|casual|uncooperative]
//       [--frontal TILT_DEG,NOSE_OFFSET [--enroll-most-frontal]] [--sweep T1,T2,...] [--swap-roles]
// --swap-roles measures the split's other half: impostors become the enrolled persons (enrolled
// with their first photo, or their most frontal one with --enroll-most-frontal) and the enrolled
// persons the impostors (their enrollment photo becomes a probe too).
// --frontal measures every probe's pose from YuNet's landmarks (fixtures/frontal_rule.hpp) and adds
// the cooperative subset (the probes inside the rule) to the figures; --enroll-most-frontal first
// re-picks every enrolled person's enrollment photo as their most frontal one (the certification
// set's rule). --sweep prints the 1:N outcome at each threshold from the same analyses (a frame's
// best match decides; the engine's own threshold only sets the JSON's headline figures).
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/event.hpp"
#include "fixtures/face/model_paths.hpp"
#include "fixtures/frontal_rule.hpp"
#include "fixtures/manifest.hpp"
#include "fixtures/set_synth.hpp"
#include "simulator/device/face/face_engine.hpp"
#include "tests/bench/device/swap_roles.hpp"

using namespace gaterig;
using namespace gaterig::device;
namespace fs = std::filesystem;

namespace {

cv::Mat add_camera_noise(const cv::Mat& img, double sd, std::uint64_t seed) {
  cv::Mat noise(img.size(), CV_16SC3), wide, out;
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0, sd);
  img.convertTo(wide, CV_16SC3);
  wide += noise;
  wide.convertTo(out, CV_8UC3);
  return out;
}

struct Args {
  fs::path set_dir, keep;
  int persons = 100, impostors = 60, samples = 10;
  std::uint64_t seed = 1;
  bool synth = false, json = false;
  double threshold = -1;  // < 0: the engine config's default
  int frames = 1;
  double camera_noise = 2.0;
  std::string profile;
  std::string probe_level = "cooperative";
  int threads = 2, worst = 8;
  bool frontal = false, enroll_most_frontal = false, swap_roles = false;
  fixtures::FrontalRule rule;
  std::vector<double> sweep;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "devsim_face_separation: " << why
            << "\nusage: devsim_face_separation (--set DIR | --synth P,I,S,SEED [--keep DIR]) [--threshold T] [--frames K]"
               " [--camera-noise SD] [--profile NAME] [--threads N] [--json] [--worst N] [--probe-level L]\n";
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
    else if (k == "--synth") {
      a.synth = true;
      char c1, c2, c3;
      std::istringstream in(value());
      if (!(in >> a.persons >> c1 >> a.impostors >> c2 >> a.samples >> c3 >> a.seed)) usage("--synth P,I,S,SEED");
    } else if (k == "--keep") a.keep = value();
    else if (k == "--threshold") a.threshold = std::stod(value());
    else if (k == "--frames") a.frames = std::stoi(value());
    else if (k == "--camera-noise") a.camera_noise = std::stod(value());
    else if (k == "--profile") a.profile = value();
    else if (k == "--threads") a.threads = std::max(1, std::stoi(value()));
    else if (k == "--json") a.json = true;
    else if (k == "--worst") a.worst = std::stoi(value());
    else if (k == "--probe-level") a.probe_level = value();
    else if (k == "--frontal") {
      a.frontal = true;
      char c;
      std::istringstream in(value());
      if (!(in >> a.rule.max_tilt_deg >> c >> a.rule.max_nose_offset)) usage("--frontal TILT_DEG,NOSE_OFFSET");
    } else if (k == "--enroll-most-frontal") a.enroll_most_frontal = true;
    else if (k == "--swap-roles") a.swap_roles = true;
    else if (k == "--sweep") {
      std::istringstream in(value());
      for (std::string t; std::getline(in, t, ',');) a.sweep.push_back(std::stod(t));
    }
    else usage("unknown option " + k);
  }
  if (a.synth == !a.set_dir.empty()) usage("give one of --set or --synth");
  if (a.frames < 1) usage("--frames must be >= 1");
  if (a.enroll_most_frontal && !a.frontal) usage("--enroll-most-frontal needs --frontal");
  return a;
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Outcome {
  std::string presentation, person;
  bool genuine = false;
  bool face_found = false;
  int frames_with_face = 0;
  std::string best_person;
  double best = -1;      // best score over the frames (impostor: any person; genuine: see self)
  double self = -1;      // genuine: the person's own score in the deciding frame (best frame)
  bool accepted = false; // the terminal's decision (PresentationDecision)
  std::string accepted_as;
  std::vector<std::pair<std::string, double>> frame_best;  // every frame's rank-1 match (empty person: none)
  fixtures::Pose pose;
  bool frontal = false;
};

struct Tally {
  int g_n = 0, g_true = 0, g_wrong = 0, i_n = 0, i_fa = 0;
  double g_min_self = 2, i_max = -2;
};

// The terminal's decision at threshold t: the first frame whose rank-1 match reaches t.
std::string accepted_at(const Outcome& o, double t) {
  for (const auto& [person, sim] : o.frame_best)
    if (!person.empty() && sim >= t) return person;
  return {};
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  const auto t0 = std::chrono::steady_clock::now();
  fs::path dir = a.set_dir;
  fs::path tmp;
  if (a.synth) {
    dir = a.keep.empty() ? (tmp = fs::temp_directory_path() / ("devsim_face_sep_" + std::to_string(::getpid()))) : a.keep;
    fixtures::SynthOptions o;
    o.out = dir;
    o.persons = a.persons;
    o.impostors = a.impostors;
    o.samples = a.samples;
    o.seed = a.seed;
    o.replace = true;
    o.jobs = a.threads;
    o.probe_level = fixtures::parse_probe_level(a.probe_level);
    o.warn = [](const std::string& w) { std::cerr << "warning: " << w << "\n"; };
    fixtures::make_synthetic_set(o);
  }
  fixtures::FixtureSet set = fixtures::load_manifest(dir);
  const fs::path yunet_dir = fixtures::find_face_models().yunet_dir();
  fixtures::CooperativeSelection selection;
  if (a.swap_roles) bench::swap_roles(set);
  if (a.enroll_most_frontal) {
    auto detector = fixtures::FaceDetector::open(yunet_dir);
    selection = fixtures::select_cooperative(set, dir, *detector, a.rule, /*drop_outside=*/false);
    std::cerr << "most frontal enrollment: " << selection.persons_reenrolled << " persons re-enrolled, "
              << selection.persons_not_frontal << " without a frontal photo\n";
  }
  const double synth_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  FaceEngineConfig cfg;
  cfg.engine = "dnn";
  cfg.check_liveness = false;  // recognition trials run in the terminal's test mode
  if (!a.profile.empty()) apply_face_profile(cfg, a.profile);
  if (a.threshold >= 0) cfg.match_threshold = a.threshold;

  // One engine per thread, each with the whole gallery (an engine serialises its calls).
  std::vector<std::unique_ptr<FaceEngine>> engines;
  for (int t = 0; t < a.threads; ++t) engines.push_back(FaceEngine::open(cfg));
  int enroll_failures = 0, enrolled = 0;
  std::map<std::string, bool> is_enrolled;
  {
    std::vector<const fixtures::Person*> todo;
    for (const auto& p : set.persons)
      if (p.role == fixtures::Role::enrolled && p.enrollment) todo.push_back(&p);
    std::vector<std::thread> pool;
    std::vector<int> fails(static_cast<std::size_t>(a.threads), 0);
    for (int t = 0; t < a.threads; ++t)
      pool.emplace_back([&, t] {
        for (const auto* p : todo) {
          const EnrollResult r = engines[static_cast<std::size_t>(t)]->enroll(p->id, read_bytes(dir / p->enrollment->path));
          if (!r.ok()) {
            ++fails[static_cast<std::size_t>(t)];
            if (t == 0) std::cerr << "enroll " << p->id << ": " << r << "\n";
          }
        }
      });
    for (auto& th : pool) th.join();
    enroll_failures = fails[0];
    enrolled = static_cast<int>(engines[0]->enrolled());
    for (const auto* p : todo) is_enrolled[p->id] = engines[0]->is_enrolled(p->id);
  }

  std::vector<const fixtures::Presentation*> probes;
  std::map<std::string, fixtures::Role> role;
  for (const auto& p : set.persons) role[p.id] = p.role;
  for (const auto& pr : set.presentations)
    if (!pr.derived_from && pr.tags.attack == fixtures::Attack::none && pr.tags.light == fixtures::Light::normal)
      probes.push_back(&pr);

  std::vector<Outcome> out(probes.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < a.threads; ++t)
    pool.emplace_back([&, t] {
      FaceEngine& engine = *engines[static_cast<std::size_t>(t)];
      std::unique_ptr<fixtures::FaceDetector> detector;
      if (a.frontal) detector = fixtures::FaceDetector::open(yunet_dir);
      for (std::size_t k; (k = next++) < probes.size();) {
        const auto& pr = *probes[k];
        Outcome& o = out[k];
        o.presentation = pr.id;
        o.person = pr.person;
        o.genuine = role[pr.person] == fixtures::Role::enrolled && is_enrolled[pr.person];
        cv::Mat shown = cv::imread((dir / pr.frames.front().path).string(), cv::IMREAD_COLOR);
        if (detector) {
          o.pose = fixtures::measure_pose(*detector, shown);
          o.frontal = a.rule.holds(o.pose);
        }
        const double thr = engine.config().match_threshold;
        for (int f = 0; f < a.frames; ++f) {
          cv::Mat frame = shown;
          if (f > 0 || a.frames > 1) frame = add_camera_noise(shown, a.camera_noise, std::hash<std::string>{}(pr.id) + f);
          const FrameAnalysis an = engine.analyse(frame);
          o.frame_best.emplace_back(an.best ? an.best->person : std::string(),
                                    an.best ? an.best->similarity : -1.0);
          if (an.matched && !o.accepted) o.accepted = true, o.accepted_as = an.best->person;
          if (!an.face_found) continue;
          o.face_found = true;
          ++o.frames_with_face;
          if (an.best && an.best->similarity > o.best) {
            o.best = an.best->similarity;
            o.best_person = an.best->person;
          }
          if (o.genuine) {
            double self = -1;
            if (an.best && an.best->person == pr.person) self = an.best->similarity;
            else if (an.runner_up && an.runner_up->person == pr.person) self = an.runner_up->similarity;
            o.self = std::max(o.self, self);
          }
        }
        (void)thr;
      }
    });
  for (auto& th : pool) th.join();

  int g_n = 0, g_fta = 0, g_true = 0, g_wrong = 0, g_below = 0, i_n = 0, i_fta = 0, i_fa = 0;
  std::vector<double> g_self, i_best;
  std::vector<const Outcome*> g_bad, i_top;
  for (const auto& o : out) {
    if (o.genuine) {
      ++g_n;
      if (!o.face_found) ++g_fta, g_bad.push_back(&o);
      else {
        g_self.push_back(o.self);
        if (o.accepted && o.accepted_as == o.person) ++g_true;
        else if (o.accepted) ++g_wrong, g_bad.push_back(&o);
        else ++g_below, g_bad.push_back(&o);
      }
    } else if (role[o.person] == fixtures::Role::impostor) {
      ++i_n;
      if (!o.face_found) ++i_fta;
      else {
        i_best.push_back(o.best);
        i_top.push_back(&o);
        if (o.accepted) ++i_fa;
      }
    }
  }
  std::sort(i_top.begin(), i_top.end(), [](auto* x, auto* y) { return x->best > y->best; });
  std::sort(g_bad.begin(), g_bad.end(), [](auto* x, auto* y) { return x->self < y->self; });
  // The same analyses at every threshold of --sweep, on all probes and on the frontal subset.
  auto tally_at = [&](double t, bool frontal_only) {
    Tally y;
    for (const auto& o : out) {
      if (frontal_only && !o.frontal) continue;
      const bool impostor = !o.genuine && role[o.person] == fixtures::Role::impostor;
      if (!o.genuine && !impostor) continue;
      const std::string as = accepted_at(o, t);
      if (o.genuine) {
        ++y.g_n;
        if (as == o.person) ++y.g_true;
        else if (!as.empty()) ++y.g_wrong;
        y.g_min_self = std::min(y.g_min_self, o.self);
      } else {
        ++y.i_n;
        if (!as.empty()) ++y.i_fa;
        y.i_max = std::max(y.i_max, o.best);
      }
    }
    return y;
  };
  auto tally_json = [](const Tally& y) {
    return Json{{"genuine", y.g_n}, {"true_accept", y.g_true}, {"wrong_person", y.g_wrong},
                {"false_reject", y.g_n - y.g_true}, {"genuine_min_self", y.g_min_self},
                {"impostor", y.i_n}, {"false_accept", y.i_fa}, {"impostor_max", y.i_max}};
  };
  Json sweep = Json::array();
  for (const double t : a.sweep) {
    Json row{{"threshold", t}, {"all", tally_json(tally_at(t, false))}};
    if (a.frontal) row["frontal"] = tally_json(tally_at(t, true));
    sweep.push_back(row);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!tmp.empty()) fs::remove_all(tmp);

  Json j{{"schema", "gaterig.bench.devsim_face_separation/1"},
         {"set", {{"dir", a.synth ? "" : dir.string()}, {"persons", a.persons}, {"impostors", a.impostors},
                  {"samples", a.samples}, {"seed", a.seed}, {"probe_level", a.probe_level}}},
         {"engine", engines[0]->name()},
         {"profile", a.profile},
         {"threshold", cfg.match_threshold},
         {"frames", a.frames},
         {"camera_noise", a.camera_noise},
         {"enrolled", enrolled},
         {"enroll_failures", enroll_failures},
         {"genuine", {{"presentations", g_n}, {"no_face", g_fta}, {"true_accept", g_true}, {"wrong_person", g_wrong},
                      {"below_threshold", g_below}, {"false_reject", g_n - g_true},
                      {"self_score", {{"min", quantile(g_self, 0)}, {"p1", quantile(g_self, 0.01)},
                                      {"p5", quantile(g_self, 0.05)}, {"median", quantile(g_self, 0.5)}}}}},
         {"impostor", {{"presentations", i_n}, {"no_face", i_fta}, {"false_accept", i_fa},
                       {"best_score", {{"median", quantile(i_best, 0.5)}, {"p95", quantile(i_best, 0.95)},
                                       {"p99", quantile(i_best, 0.99)}, {"max", quantile(i_best, 1)}}}}},
         {"seconds", {{"total", secs}, {"synth", synth_s}}}};
  if (!a.sweep.empty()) j["sweep"] = sweep;
  if (a.frontal) {
    int g_front = 0, i_front = 0;
    for (const auto& o : out) (o.genuine ? g_front : i_front) += o.frontal ? 1 : 0;
    j["frontal_rule"] = {{"rule", a.rule.describe()}, {"max_tilt_deg", a.rule.max_tilt_deg},
                         {"max_nose_offset", a.rule.max_nose_offset}, {"enroll_most_frontal", a.enroll_most_frontal},
                         {"persons_reenrolled", selection.persons_reenrolled},
                         {"persons_without_frontal_photo", selection.persons_not_frontal},
                         {"genuine_frontal", g_front}, {"other_frontal", i_front}};
  }
  if (a.json) {
    std::cout << j.dump() << "\n";
  } else {
    std::cout << j.dump(2) << "\n";
    std::cout << "worst genuine:\n";
    for (int k = 0; k < a.worst && k < static_cast<int>(g_bad.size()); ++k)
      std::cout << "  " << g_bad[k]->presentation << " face " << g_bad[k]->frames_with_face << "/" << a.frames << " self "
                << g_bad[k]->self << " best " << g_bad[k]->best_person << " " << g_bad[k]->best << "\n";
    if (!a.sweep.empty()) {
      std::cout << "threshold | genuine accepted (wrong person) | impostor false accepts";
      if (a.frontal) std::cout << " || frontal: genuine accepted (wrong) | impostor false accepts";
      std::cout << "\n";
      for (const double t : a.sweep) {
        const Tally y = tally_at(t, false);
        std::cout << t << " | " << y.g_true << "/" << y.g_n << " (" << y.g_wrong << ") | " << y.i_fa << "/" << y.i_n;
        if (a.frontal) {
          const Tally f = tally_at(t, true);
          std::cout << " || " << f.g_true << "/" << f.g_n << " (" << f.g_wrong << ") | " << f.i_fa << "/" << f.i_n;
        }
        std::cout << "\n";
      }
      if (a.frontal) {
        const Tally f = tally_at(2, true), y = tally_at(2, false);
        std::cout << "genuine self min: all " << y.g_min_self << ", frontal " << f.g_min_self << "; impostor best max: all "
                  << y.i_max << ", frontal " << f.i_max << "\n";
      }
    }
    if (a.frontal) {
      std::cout << "probes outside the rule (" << a.rule.describe() << "):\n";
      for (const auto& o : out)
        if (!o.frontal)
          std::cout << "  " << o.presentation << (o.genuine ? " genuine" : " impostor") << " tilt " << o.pose.tilt_deg
                    << " nose " << o.pose.nose_offset << (o.pose.face_found ? "" : " (no face)") << " self " << o.self
                    << " best " << o.best_person << " " << o.best << "\n";
    }
    std::cout << "highest impostor:\n";
    for (int k = 0; k < a.worst && k < static_cast<int>(i_top.size()); ++k)
      std::cout << "  " << i_top[k]->presentation << " -> " << i_top[k]->best_person << " " << i_top[k]->best << "\n";
  }
  return 0;
}
