#include "reports/report/report_package.hpp"

#include <fstream>
#include <stdexcept>

#include "reports/report/canonical_json.hpp"
#include "reports/report/html_renderer.hpp"
#include "reports/report/pdf_renderer.hpp"
#include "reports/report/report_seal.hpp"

namespace gaterig::report {

namespace fs = std::filesystem;

namespace {
void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error(p.string() + ": cannot write");
}
}  // namespace

Json write_report_package(const ResultsDocument& results, BuildOptions options, const fs::path& out_dir, const SigningKey* key) {
  if (fs::exists(out_dir) && !(fs::is_directory(out_dir) && fs::is_empty(out_dir)))
    throw std::invalid_argument(out_dir.string() + ": exists and is not empty; a report folder is written once (choose a new --out)");
  fs::create_directories(out_dir);
  if (key) options.key_fingerprint = key_fingerprint(key->public_key());
  const Json report = build_report(results, options, out_dir);
  write_text(out_dir / "report.json", canonical_json(report));
  write_text(out_dir / "report.html", render_html(report));
  render_pdf(report, out_dir / "report.pdf");
  if (key) seal_report(out_dir, *key, report["report"]["id"].get<std::string>());
  return report;
}

Json load_report(const fs::path& dir_or_file) {
  const fs::path file = fs::is_directory(dir_or_file) ? dir_or_file / "report.json" : dir_or_file;
  if (!fs::exists(file)) throw std::runtime_error(file.string() + ": no report.json here");
  const Json r = parse_canonical(read_bytes(file), file.string());
  if (!r.is_object() || r.value("schema", "") != kReportSchema)
    throw std::runtime_error(file.string() + ": not a " + std::string(kReportSchema) + " report");
  return r;
}

}  // namespace gaterig::report
