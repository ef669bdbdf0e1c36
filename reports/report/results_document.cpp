#include "reports/report/results_document.hpp"

#include <fstream>
#include <sstream>

namespace gaterig::report {

ResultsDocument load_results(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultsError(path.string(), "", "cannot open the results file");
  std::ostringstream ss;
  ss << in.rdbuf();
  ResultsDocument r;
  r.path = path;
  r.bytes = ss.str();
  try {
    r.doc = nlohmann::json::parse(r.bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw ResultsError(path.string(), "", std::string("not JSON: ") + e.what());
  }
  r.typed = standard::results_from_json(r.doc, path.string());
  return r;
}

}  // namespace gaterig::report
