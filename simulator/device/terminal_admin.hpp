#pragma once
// Remote management of the simulated terminal. The national open.api dialect carries no
// terminal commands (no restart, no parameter change, no OTA), so the terminal answers them on an
// admin HTTP endpoint of its own (served by simulator/platform's HttpServer), JSON both ways:
//   GET  /status     identity, firmware, profile, params, enrolled, enrollment failures (photos the
//                    engine refused), enroll_pending (photos not through the engine yet: a sync in
//                    progress), last sync, queue counts, online, decision counts, latencies
//   GET  /decisions?last=N   the terminal's own timing of its latest decisions (frame publish,
//                    decision, first Wiegand edge; Terminal::recent_decisions), up to 1000
//   GET  /firmware   {"vendor","model","serial","firmware_version","firmware_hash","installed","staged"}
//   POST /firmware   {"version","sha256","image_base64"}: OTA (firmware_store.hpp) — the image's
//                    SHA-256 checked (400 on a mismatch, nothing kept), staged, installed at the
//                    next start; then GET /firmware and /status report its version and hash
//   POST /soak       {"passes": N, "person": optional ID number}: N passes through the record
//                    path at once (Terminal::soak), e.g. to fill the offline store
//   GET  /params     current parameters;  PUT /params {"match_threshold":0.6,...} changes them
//                    (kept across restarts); 400 names a bad key
//   POST /sync       re-syncs the workers now and answers with the sync report
//   POST /restart    answers, then the terminal stops and starts again on the same data
// A pure request -> reply function over a Terminal: tested without sockets.
#include "simulator/device/terminal.hpp"
#include "simulator/platform/http_message.hpp"

namespace gaterig::device {

// Every route above, one per line ("GET  /status     what it answers"), for --help and the 404 reply.
const char* admin_routes();

class TerminalAdmin final : public platform::RequestHandler {
 public:
  explicit TerminalAdmin(Terminal& terminal) : terminal_(terminal) {}
  platform::HttpResponse handle(const platform::HttpRequest& request) override;

 private:
  Terminal& terminal_;
};

}  // namespace gaterig::device
