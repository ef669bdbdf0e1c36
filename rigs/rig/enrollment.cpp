#include "rigs/rig/enrollment.hpp"

#include <fstream>
#include <sstream>

#include "core/crypto.hpp"
#include "core/resident_id.hpp"
#include "rigs/rig/stop_wait.hpp"
#include "rigs/rig/terminal.hpp"
#include "simulator/device/national_signer.hpp"
#include "simulator/platform/platform.hpp"

namespace gaterig::rig {
namespace {
using namespace std::chrono_literals;

constexpr std::size_t kBatch = 50;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Json EnrollmentReport::to_json() const {
  return Json{{"requested", requested}, {"accepted", accepted}, {"already", already}, {"refused", refused},
              {"problems", problems}};
}

Json SyncReport::to_json() const {
  return Json{{"synced", synced},   {"enrolled", enrolled}, {"failures", failures},
              {"seconds", seconds}, {"error", error},       {"observed", observed}};
}

Enrollment::Enrollment(platform::Platform& platform, platform::ProjectConfig project, std::string team,
                       EventSink& events)
    : platform_(platform), project_(std::move(project)), team_(std::move(team)), events_(events) {}

Json Enrollment::call(const std::string& method, const Json& data) {
  device::NationalRequest r;
  r.appid = project_.appid;
  r.data = data.dump();
  r.method = method;
  r.nonce = "rig" + std::to_string(mono_now()) + "n" + std::to_string(++nonce_);
  r.timestamp = format_civil(wall_now(), platform_.config().utc_offset, "yyyyMMddHHmmss");
  platform::HttpRequest req;
  req.method = "POST";
  req.target = "/open.api";
  req.headers.set("content-type", "application/x-www-form-urlencoded");
  req.body = device::national_form_body(r, device::national_sign(r, project_.appsecret));
  req.peer = "rig-enrollment";
  req.received_mono = mono_now();
  req.received_wall = wall_now();
  const auto reply = platform_.handle(req);
  try {
    return Json::parse(reply.body);
  } catch (const std::exception&) {
    throw std::runtime_error("platform " + method + ": HTTP " + std::to_string(reply.status) + ", not JSON");
  }
}

EnrollmentReport Enrollment::enroll(const std::vector<fixtures::Person>& persons, const std::filesystem::path& set_dir) {
  EnrollmentReport report;
  report.requested = persons.size();
  for (std::size_t from = 0; from < persons.size(); from += kBatch) {
    Json workers = Json::array();
    std::size_t in_batch = 0;
    for (std::size_t i = from; i < std::min(persons.size(), from + kBatch); ++i) {
      const auto& p = persons[i];
      if (!p.enrollment) {
        ++report.refused;
        report.problems.push_back(p.id + ": no enrollment photo in the set");
        continue;
      }
      if (platform_.store().worker(project_.code, p.id_number)) {
        ++report.already;  // enrolled before: ProjectWorker.Add would refuse the whole batch
        continue;
      }
      workers.push_back({{"workerName", p.name},
                         {"idCardType", "01"},
                         {"idCardNumber", device::national_encrypt(p.id_number, project_.appsecret)},
                         {"workType", "010"},
                         {"headImage", crypto::base64_encode(read_file(set_dir / p.enrollment->path))}});
      ++in_batch;
    }
    if (in_batch == 0) continue;
    const Json reply = call("ProjectWorker.Add", {{"projectCode", project_.code}, {"teamSysNo", team_}, {"workerList", workers}});
    if (reply.value("code", -99) != 0) {
      report.refused += in_batch;
      report.problems.push_back("ProjectWorker.Add: code " + std::to_string(reply.value("code", -99)) + ": " +
                                mask_ids_in(reply.value("message", "")));
      continue;
    }
    const std::string serial = reply.value("data", Json::object()).value("requestSerialCode", "");
    // The write is committed when handle() returns; the async result says who was new.
    Json result;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      result = call("AsyncHandleResult.Query", {{"requestSerialCode", serial}});
      const int status = result.value("data", Json::object()).value("status", 0);
      if (status != 0 || std::chrono::steady_clock::now() > deadline) break;
      if (wait_for_stop(20ms)) break;
    }
    const Json data = result.value("data", Json::object());
    if (data.value("status", 0) == 20) {
      report.accepted += in_batch;
    } else {
      report.refused += in_batch;
      const Json res = data.value("result", Json());
      report.problems.push_back("ProjectWorker.Add: async status " + std::to_string(data.value("status", 0)) + ": " +
                                mask_ids_in(res.is_string() ? res.get<std::string>() : res.dump()));
    }
  }
  report.done = mono_now();
  last_done_ = report.done;
  events_.publish(Event{report.done, "rig", "rig.enrollment", report.to_json()});
  return report;
}

SyncReport Enrollment::wait_synced(Terminal& terminal, std::size_t count, std::chrono::milliseconds timeout,
                                   bool ask_terminal) {
  SyncReport r;
  const MonoNs from = last_done_ != 0 ? last_done_ : mono_now();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (ask_terminal) {
    try {
      terminal.request_sync();
    } catch (const std::exception& e) {
      r.error = e.what();
    }
  }
  for (;;) {
    try {
      const Json s = terminal.status();
      r.enrolled = s.value("enrolled", std::size_t{0});
      // A worker the devsim is enrolling right now is listed with an empty status (its directory
      // entry exists before the engine's verdict): not a failure yet.
      r.failures = Json::array();
      for (const auto& f : s.value("enroll_failures", Json::array()))
        if (!f.is_object() || !f.value("status", "").empty()) r.failures.push_back(f);
      r.error.clear();
      if (r.enrolled + r.failures.size() >= count) {
        r.synced = true;
        break;
      }
    } catch (const std::exception& e) {
      r.error = e.what();  // a terminal restarting answers again shortly; the deadline decides
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (r.error.empty())
        r.error = "the terminal had " + std::to_string(r.enrolled) + " enrolled and " +
                  std::to_string(r.failures.size()) + " failure(s) of " + std::to_string(count) + " after " +
                  std::to_string(timeout.count()) + " ms";
      break;
    }
    if (wait_for_stop(100ms)) {
      r.error = "interrupted by a stop request";
      break;
    }
  }
  r.seconds = static_cast<double>(mono_now() - from) / 1e9;
  events_.publish(Event{mono_now(), "rig", "rig.enrollment_synced",
                        Json{{"synced", r.synced}, {"enrolled", r.enrolled}, {"failures", r.failures.size()},
                             {"seconds", r.seconds}, {"error", r.error}}});
  return r;
}

}  // namespace gaterig::rig
