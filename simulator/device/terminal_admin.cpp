#include "simulator/device/terminal_admin.hpp"

#include "core/crypto.hpp"

namespace gaterig::device {
namespace {

platform::HttpResponse json_reply(int status, const Json& body) {
  platform::HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

platform::HttpResponse error(int status, const std::string& what) { return json_reply(status, Json{{"error", what}}); }

}  // namespace

const char* admin_routes() {
  return "  GET  /status            identity, firmware, profile, params, enrolled, enroll_failures,\n"
         "                          enroll_pending, last sync, queue, online, decision counts, latencies\n"
         "  GET  /decisions?last=N  the latest decisions' own timing (frame, decision, first Wiegand edge)\n"
         "  GET  /firmware          vendor, model, serial, firmware version and hash, installed, staged\n"
         "  POST /firmware          {\"version\",\"sha256\",\"image_base64\"}: OTA, installed at the next start\n"
         "  POST /soak              {\"passes\": N, \"person\": optional ID number}: N passes at once\n"
         "  GET  /params            current parameters\n"
         "  PUT  /params            {\"match_threshold\": 0.6, ...}: change them (kept across restarts)\n"
         "  POST /sync              re-sync the workers now; answers with the sync report\n"
         "  POST /restart           stop and start again on the same data\n";
}

platform::HttpResponse TerminalAdmin::handle(const platform::HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::string& m = request.method;
  try {
    if (path == "/status") {
      if (m != "GET") return error(405, "GET /status");
      return json_reply(200, terminal_.status());
    }
    if (path == "/decisions") {
      if (m != "GET") return error(405, "GET /decisions");
      std::size_t last = 1000;
      const auto q = request.target.find("last=");
      if (q != std::string::npos) {
        try {
          last = std::stoul(request.target.substr(q + 5));
        } catch (const std::exception&) {
          return error(400, "last: expected a count");
        }
      }
      return json_reply(200, Json{{"decisions", terminal_.recent_decisions(last)}});
    }
    if (path == "/firmware") {
      if (m == "GET") return json_reply(200, terminal_.firmware());
      if (m != "POST") return error(405, "GET or POST /firmware");
      const Json body = Json::parse(request.body, nullptr, false);
      if (!body.is_object() || !body.contains("image_base64") || !body["image_base64"].is_string() ||
          !body.contains("sha256") || !body["sha256"].is_string() || !body.contains("version") ||
          !body["version"].is_string())
        return error(400, "body: expected {\"version\": text, \"sha256\": 64 hex digits, \"image_base64\": text}");
      std::string image;
      try {
        image = crypto::base64_decode(body["image_base64"].get<std::string>());
      } catch (const std::exception& e) {
        return error(400, std::string("image_base64: ") + e.what());
      }
      try {
        return json_reply(200, terminal_.stage_firmware(image, body["sha256"].get<std::string>(),
                                                        body["version"].get<std::string>()));
      } catch (const std::invalid_argument& e) {
        return error(400, e.what());
      }
    }
    if (path == "/soak") {
      if (m != "POST") return error(405, "POST /soak");
      const Json body = Json::parse(request.body, nullptr, false);
      if (!body.is_object() || !body.contains("passes") || !body["passes"].is_number_integer() ||
          body["passes"].get<std::int64_t>() < 1 || body["passes"].get<std::int64_t>() > 10'000'000 ||
          (body.contains("person") && !body["person"].is_string()))
        return error(400, "body: expected {\"passes\": 1..10000000, \"person\": optional ID number}");
      std::optional<std::string> person;
      if (body.contains("person")) person = body["person"].get<std::string>();
      try {
        return json_reply(200, terminal_.soak(body["passes"].get<std::size_t>(), person));
      } catch (const std::invalid_argument& e) {
        return error(400, e.what());
      }
    }
    if (path == "/params") {
      if (m == "GET") return json_reply(200, terminal_.params());
      if (m != "PUT" && m != "POST") return error(405, "GET or PUT /params");
      Json body;
      try {
        body = Json::parse(request.body);
      } catch (const std::exception& e) {
        return error(400, std::string("body: expected a JSON object (") + e.what() + ")");
      }
      try {
        terminal_.set_params(body);
      } catch (const std::invalid_argument& e) {
        return error(400, e.what());
      }
      return json_reply(200, terminal_.params());
    }
    if (path == "/sync") {
      if (m != "POST") return error(405, "POST /sync");
      return json_reply(200, terminal_.sync_now().to_json());
    }
    if (path == "/restart") {
      if (m != "POST") return error(405, "POST /restart");
      terminal_.request_restart();
      return json_reply(200, Json{{"restarting", true}});
    }
    return error(404, "no route " + path + "; the routes:\n" + admin_routes());
  } catch (const std::exception& e) {
    return error(500, e.what());
  }
}

}  // namespace gaterig::device
