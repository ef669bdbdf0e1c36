// `gaterig fixtures`: image sets — import a lab's photos, make the synthetic set, derive the
// conditions the standard names, check a set, summarise it, and draw its contact sheet.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <stdexcept>

#include "core/resident_id.hpp"
#include "core/stop_signal.hpp"
#include "fixtures/build.hpp"
#include "fixtures/build_progress.hpp"
#include "fixtures/check.hpp"
#include "fixtures/contact_sheet.hpp"
#include "fixtures/face/detector.hpp"
#include "fixtures/face/model_paths.hpp"
#include "fixtures/import.hpp"
#include "fixtures/manifest.hpp"
#include "fixtures/set_summary.hpp"
#include "fixtures/set_synth.hpp"
#include "rigs/cli/commands.hpp"

#include <opencv2/imgcodecs.hpp>

namespace gaterig::cli {

namespace fs = std::filesystem;
namespace fx = gaterig::fixtures;

namespace {

bool stderr_is_terminal() { return ::isatty(2) == 1; }
bool stop_requested() { return StopSignal::instance().requested(); }

// Runs a subcommand body, turning the errors a user can fix into exit code 2 with one clear line.
void guarded(const char* name, int& exit_code, const std::function<int()>& body) {
  try {
    exit_code = body();
  } catch (const fx::ManifestError& e) {
    std::cerr << "gaterig fixtures " << name << ": " << e.what() << "\n";
    exit_code = kUsage;
  } catch (const std::invalid_argument& e) {
    std::cerr << "gaterig fixtures " << name << ": " << e.what() << "\n";
    exit_code = kUsage;
  } catch (const std::runtime_error& e) {
    std::cerr << "gaterig fixtures " << name << ": error: " << e.what() << "\n";
    exit_code = kUsage;
  }
}

fx::WiegandFormat card_format(const std::string& text) {
  auto f = fx::parse_wiegand_format(text);
  if (!f) throw std::invalid_argument("--card-format " + text + ": expected wg26 or wg34");
  return *f;
}

// The face detector for checks and builds: YuNet from --models (or where the models are usually
// found), else Haar. Says which one it is, since the result depends on it.
std::unique_ptr<fx::FaceDetector> open_detector(const std::string& models) {
  const fs::path dir = models.empty() ? fx::find_face_models().yunet_dir() : fs::path(models);
  if (!models.empty() && !fs::exists(dir / "yunet-static.onnx"))
    std::cerr << "gaterig fixtures: warning: " << (dir / "yunet-static.onnx").string()
              << " not found; using the Haar cascade\n";
  auto detector = fx::FaceDetector::open(dir);
  std::cerr << "gaterig fixtures: face detector " << detector->name()
            << (detector->name() == "yunet" ? " (" + (dir / "yunet-static.onnx").string() + ")" : std::string()) << "\n";
  return detector;
}

void add_import(CLI::App& fixtures, int& exit_code) {
  auto o = std::make_shared<fx::ImportOptions>();
  auto layout = std::make_shared<std::string>("folders");
  auto cards = std::make_shared<std::string>("wg26");
  auto* cmd = fixtures.add_subcommand("import", "Import a lab's photos (a folder per person) into a new set");
  cmd->add_option("--from", o->from, "the lab's folder: one subfolder per person (or --layout flat)")->required();
  cmd->add_option("--out", o->out, "the new set's folder (must be new or empty)")->required();
  cmd->add_option("--seed", o->seed, "seed of the enrolled/impostor and enrollment/probe split")->capture_default_str();
  cmd->add_option("--enrolled-fraction", o->enrolled_fraction, "share of persons enrolled; the rest are impostors")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_option("--enroll-images", o->enroll_images, "photos per enrolled person kept for enrollment")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--layout", *layout, "folders: a folder per person; flat: the person is in each file name "
                                       "(Yale's original subject01.happy)")
      ->check(CLI::IsMember({"folders", "flat"}))->capture_default_str();
  cmd->add_option("--person-pattern", o->person_pattern, "flat layout: regex whose first group is the person")
      ->capture_default_str();
  cmd->add_option("--card-format", *cards, "wg26 or wg34")->capture_default_str();
  cmd->add_option("--name", o->set_name, "set name (default: the --out folder's name)");
  cmd->add_option("--licence", o->licence, "terms of the photos, recorded in the manifest");
  cmd->add_option("--consent", o->consent, "how the volunteers consented, recorded in the manifest");
  cmd->add_flag("--replace", o->replace, "replace an existing set at --out");
  auto cooperative = std::make_shared<std::string>();
  cmd->add_option("--cooperative", *cooperative,
                  "MAX_TILT_DEG,MAX_NOSE_OFFSET (e.g. 10,0.18): probes outside this YuNet-landmark pose rule are "
                  "left out and each enrolled person is enrolled with their most frontal photo "
                  "(fixtures/frontal_rule.hpp); the rule is recorded in the set's source");
  cmd->add_flag("--platform-formats", o->platform_formats,
                "store photos that are neither JPEG nor PNG (PGM, BMP, TIFF) as PNG, pixel for pixel: a platform's "
                "headImage takes only JPEG or PNG (the rig's own import does this)");
  cmd->add_option("--models", o->models_dir, "--cooperative: folder with yunet-static.onnx (default: where the models are found)");
  cmd->callback([o, layout, cards, cooperative, &exit_code] {
    guarded("import", exit_code, [&] {
      o->layout = *layout == "flat" ? fx::ImportLayout::flat : fx::ImportLayout::folders;
      o->card_format = card_format(*cards);
      if (!cooperative->empty()) o->cooperative = fx::parse_cooperative_rule(*cooperative);
      const fx::ImportReport r = fx::import_tree(
          *o, [](const std::string& w) { std::cerr << "gaterig fixtures import: warning: " << w << "\n"; });
      std::cout << "imported " << (r.persons_enrolled + r.persons_impostor) << " persons (" << r.persons_enrolled
                << " enrolled, " << r.persons_impostor << " impostors), " << r.enrollment_images
                << " enrollment photos, " << r.probe_images << " probes into " << o->out.string() << "\n";
      if (o->cooperative)
        std::cout << "cooperative rule (" << o->cooperative->describe() << "): " << r.probes_not_cooperative
                  << " probes outside it left out, " << r.persons_reenrolled
                  << " persons re-enrolled with their most frontal photo\n";
      if (!r.warnings.empty()) std::cout << r.warnings.size() << " file(s) or folder(s) skipped: see the warnings above\n";
      return kOk;
    });
  });
}

void add_synth(CLI::App& fixtures, int& exit_code) {
  auto o = std::make_shared<fx::SynthOptions>();
  auto cards = std::make_shared<std::string>("wg26");
  auto* cmd = fixtures.add_subcommand(
      "synth",
      "Make the synthetic set (no personal data). Persons take the first --persons + --impostors of the "
      "123 default identities (optimised so the embedder tells them apart); --seed shuffles them over "
      "enrolled and impostor persons and draws names and cards. Beyond 123, ordinary seeded identities "
      "(weaker separation) are added, with a warning.");
  cmd->add_option("--out", o->out, "the new set's folder")->required();
  cmd->add_option("--persons", o->persons, "enrolled persons")->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--impostors", o->impostors, "persons never enrolled")->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--samples", o->samples, "probe photos per person")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--seed", o->seed, "the set's seed: same seed, same set")->capture_default_str();
  cmd->add_option("--card-format", *cards, "wg26 or wg34")->capture_default_str();
  cmd->add_option("--jobs", o->jobs, "worker threads")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_flag("--replace", o->replace, "replace an existing set at --out");
  cmd->callback([o, cards, &exit_code] {
    guarded("synth", exit_code, [&] {
      o->card_format = card_format(*cards);
      o->stop = stop_requested;
      o->warn = [](const std::string& w) { std::cerr << "gaterig fixtures synth: warning: " << w << "\n"; };
      const std::size_t total = static_cast<std::size_t>(o->persons + o->impostors) * static_cast<std::size_t>(o->samples) +
                                static_cast<std::size_t>(o->persons);
      fx::Progress progress("synth", total, &std::cerr, stderr_is_terminal());
      const fx::SynthReport r = fx::make_synthetic_set(*o, &progress);
      progress.finish();
      if (r.interrupted) {
        std::cerr << "gaterig fixtures synth: interrupted; no manifest written (run again with --replace)\n";
        return kInterrupted;
      }
      std::cout << "synthetic set: " << r.persons << " enrolled, " << r.impostors << " impostors, " << r.images
                << " photos in " << o->out.string() << "\n";
      return kOk;
    });
  });
}

void add_build(CLI::App& fixtures, int& exit_code) {
  auto o = std::make_shared<fx::BuildOptions>();
  auto variants = std::make_shared<std::string>("all");
  auto models = std::make_shared<std::string>();
  auto* cmd = fixtures.add_subcommand("build", "Derive variants (light, mask, helmet, spoofs, distance, QR) of the probes");
  cmd->add_option("--set", o->set_dir, "the set's folder")->required();
  cmd->add_option("--variants", *variants, "comma-separated kinds, or all")->capture_default_str();
  cmd->add_option("--per-person", o->per_person, "source probes per person for each kind (0 = every probe)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the choice of probes and of the variants")->capture_default_str();
  cmd->add_option("--jobs", o->jobs, "worker threads")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--models", *models, "folder with yunet-static.onnx (default: the usual places, else Haar)");
  cmd->callback([o, variants, models, &exit_code] {
    guarded("build", exit_code, [&] {
      o->kinds = fx::parse_variant_list(*variants);
      o->models_dir = models->empty() ? fx::find_face_models().yunet_dir() : fs::path(*models);
      o->stop = stop_requested;
      o->progress_out = &std::cerr;
      o->progress_interactive = stderr_is_terminal();
      const fx::BuildReport r = fx::build_variants(*o);
      std::cout << "built " << r.made << " variant presentations (" << r.kept << " already there, " << r.no_face
                << " sources without a face skipped) in " << o->set_dir.string() << "\n";
      if (r.interrupted) {
        std::cerr << "gaterig fixtures build: interrupted; what was made is in the manifest, run again to finish\n";
        return kInterrupted;
      }
      return kOk;
    });
  });
}

void add_check(CLI::App& fixtures, int& exit_code) {
  auto set_dir = std::make_shared<std::string>();
  auto models = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto no_faces = std::make_shared<bool>(false);
  auto* cmd = fixtures.add_subcommand("check", "Check a set: files, hashes, faces in enrollment photos, duplicates, "
                                               "ids. Exit 0 ok, 1 problems, 2 unreadable manifest");
  cmd->add_option("--set", *set_dir, "the set's folder")->required();
  cmd->add_option("--models", *models, "folder with yunet-static.onnx (default: the usual places, else Haar)");
  cmd->add_flag("--no-faces", *no_faces, "do not look for faces in the enrollment photos");
  cmd->add_flag("--json", *json, "print the result as JSON (schema gaterig.fixtures.check/1)");
  cmd->callback([=, &exit_code] {
    guarded("check", exit_code, [&] {
      const fx::FixtureSet set = fx::load_manifest(*set_dir);
      std::unique_ptr<fx::FaceDetector> detector;
      if (!*no_faces) detector = open_detector(*models);
      fx::CheckOptions options;
      options.detector = detector.get();
      const fx::CheckResult r = fx::check_set(set, *set_dir, options);
      if (*json) {
        std::cout << fx::to_json(r, *set_dir).dump(2) << "\n";
      } else {
        for (const auto& f : r.findings) std::cout << f << "\n";
        std::cout << (r.ok() ? "OK" : "PROBLEMS") << ": " << r.errors() << " error(s), " << r.warnings()
                  << " warning(s); " << r.files_checked << " files checked, " << r.faces_checked << " enrollment photos searched for a face"
                  << (r.detector.empty() ? "" : " (" + r.detector + ")") << "\n";
      }
      return r.ok() ? kOk : kFail;
    });
  });
}

void add_show(CLI::App& fixtures, int& exit_code) {
  auto set_dir = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto persons = std::make_shared<bool>(false);
  auto* cmd = fixtures.add_subcommand("show", "Summarise a set: persons, presentations by tag, files");
  cmd->add_option("--set", *set_dir, "the set's folder")->required();
  cmd->add_flag("--json", *json, "print the summary as JSON (schema gaterig.fixtures.summary/1)");
  cmd->add_flag("--persons", *persons, "list the persons too (ID numbers masked)");
  cmd->callback([=, &exit_code] {
    guarded("show", exit_code, [&] {
      const fx::FixtureSet set = fx::load_manifest(*set_dir);
      nlohmann::json summary = fx::summarize(set, *set_dir);
      if (*persons) {
        summary["person_list"] = nlohmann::json::array();
        for (const auto& p : set.persons) {
          std::size_t n = 0;
          for (const auto& pr : set.presentations) n += pr.person == p.id;
          summary["person_list"].push_back({{"id", p.id}, {"name", p.name}, {"name_hanzi", p.name_hanzi},
                                            {"id_number_masked", mask_id(p.id_number)},
                                            {"card", (std::ostringstream() << p.card).str()},
                                            {"role", std::string(fx::to_string(p.role))}, {"presentations", n}});
        }
      }
      if (*json) {
        std::cout << summary.dump(2) << "\n";
        return kOk;
      }
      fx::print_summary(std::cout, summary);
      if (*persons)
        for (const auto& p : summary["person_list"])
          std::cout << "  " << p["id"].get<std::string>() << "  " << p["role"].get<std::string>() << "  "
                    << p["id_number_masked"].get<std::string>() << "  " << p["card"].get<std::string>() << "  "
                    << p["presentations"] << " presentations  " << p["name"].get<std::string>() << " "
                    << p["name_hanzi"].get<std::string>() << "\n";
      return kOk;
    });
  });
}

void add_sheet(CLI::App& fixtures, int& exit_code) {
  auto set_dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto tags = std::make_shared<std::vector<std::string>>();
  auto o = std::make_shared<fx::SheetOptions>();
  auto no_enrollments = std::make_shared<bool>(false);
  auto* cmd = fixtures.add_subcommand("sheet", "Draw a contact sheet (PNG) of a set for a person to look at");
  cmd->add_option("--set", *set_dir, "the set's folder")->required();
  cmd->add_option("--out", *out, "the PNG to write")->required();
  cmd->add_option("--person", o->person, "only this person");
  cmd->add_option("--tag", *tags, "key=value filter, repeatable: light, mask, helmet, attack, distance, qr, kind, role");
  cmd->add_option("--columns", o->columns, "thumbnails per row (default: from the count)");
  cmd->add_option("--thumb", o->thumb, "thumbnail size in pixels")->check(CLI::Range(64, 512))->capture_default_str();
  cmd->add_option("--max", o->max_items, "at most this many thumbnails")->capture_default_str();
  cmd->add_flag("--no-enrollments", *no_enrollments, "leave the enrollment photos out");
  cmd->callback([=, &exit_code] {
    guarded("sheet", exit_code, [&] {
      const fx::FixtureSet set = fx::load_manifest(*set_dir);
      for (const auto& t : *tags) o->tags.push_back(fx::parse_tag_filter(t));
      o->enrollments = !*no_enrollments;
      const fx::ContactSheet sheet = fx::make_contact_sheet(set, *set_dir, *o);
      if (!cv::imwrite(*out, sheet.image)) throw std::runtime_error(*out + ": cannot write the PNG");
      std::cout << "contact sheet: " << sheet.shown << " of " << sheet.matched << " photos, " << sheet.image.cols << "x"
                << sheet.image.rows << " px, in " << *out << "\n";
      return kOk;
    });
  });
}

}  // namespace

void add_fixtures_command(CLI::App& app, int& exit_code) {
  auto* fixtures = app.add_subcommand("fixtures", "Image sets: import, synth, build, check, show, sheet");
  fixtures->require_subcommand(1);
  add_import(*fixtures, exit_code);
  add_synth(*fixtures, exit_code);
  add_build(*fixtures, exit_code);
  add_check(*fixtures, exit_code);
  add_show(*fixtures, exit_code);
  add_sheet(*fixtures, exit_code);
}

}  // namespace gaterig::cli
