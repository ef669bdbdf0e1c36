#include "simulator/device/terminal_admin.hpp"

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

platform::HttpResponse TerminalAdmin::handle(const platform::HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::string& m = request.method;
  try {
    if (path == "/status") {
      if (m != "GET") return error(405, "GET /status");
      return json_reply(200, terminal_.status());
    }
    if (path == "/firmware") {
      if (m != "GET") return error(405, "GET /firmware");
      const auto& id = terminal_.config().identity;
      return json_reply(200, Json{{"vendor", id.vendor}, {"model", id.model}, {"serial", id.serial},
                                  {"firmware_version", id.firmware_version},
                                  {"firmware_hash", terminal_.firmware_hash()}});
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
    return error(404, "no route " + path + " (GET /status, /firmware, /params; PUT /params; POST /sync, /restart)");
  } catch (const std::exception& e) {
    return error(500, e.what());
  }
}

}  // namespace gaterig::device
