#pragma once
// Behaviour profiles of the simulated terminal: `compliant`, and degraded ones that each lower one
// spec of SPEC.md, so the rig can prove it catches a vendor who does. A profile is a preset of
// knobs on the face engine, the access policy, the Wiegand output, the platform client, the
// offline queue and the capacities. Several may be combined: profile = "slow,plain-id".
//
//   compliant          nothing lowered
//   slow               30 % of recognitions (seeded) decided 3.2 s after the frame was shown (JX-A.2)
//   loose              match threshold lowered (face engine): false accepts (JX-A.2)
//   no-liveness        liveness off: photos and screens accepted (JX-A.9)
//   no-helmet          helmet not checked: persons without a helmet pass (JX-A.5)
//   no-mask            masked faces are not recognised (JX-A.4)
//   light-sensitive    faces under strong or back light refused (JX-A.6)
//   small-store        2,000 faces / 20,000 records (JX-A.1); [devsim.degraded] small_store_faces
//                      and small_store_records scale them down for a test
//   lossy-offline      drops 30 % of its offline queue (JX-A.1)
//   backdating         backfilled records sent with the upload time instead of the pass time
//   inventing          every backfill batch carries one invented record (the `invent` backdating)
//   bad-parity         the trailing parity bit of every Wiegand frame flipped (JX-A.10)
//   wrong-format       WG34 sent when WG26 is configured (and WG26 when WG34 is) (JX-A.10)
//   plain-id           ID numbers sent unencrypted (JX-A.18)
//   bad-sign           request signatures corrupted (JX-A.18)
//   duplicate-upload   30 % of accepted batches sent again as new requests (JX-A.1)
//   ignores-access-window  per-person/group pass windows not enforced (JX-A.15)
//   no-qr              QR codes in view are not scanned (JX-A.17)
//   qr-any             every code it can read opens the gate: bad checksum, foreign format, expired,
//                      red or yellow (a reader that checks nothing) (JX-A.17)
#include <string>
#include <string_view>
#include <vector>

#include "simulator/device/terminal_config.hpp"

namespace gaterig::device {

struct ProfileInfo {
  std::string_view name;
  std::string_view lowers;  // the clause and what is lowered, for --help and /status
};

const std::vector<ProfileInfo>& known_profiles();

// Splits "a,b" and checks every name; throws std::invalid_argument naming an unknown one and
// listing the known ones.
std::vector<std::string> parse_profiles(std::string_view text);

// Applies config.profile's presets to config (face engine thresholds, degraded knobs, capacities).
void apply_profiles(TerminalConfig& config);

}  // namespace gaterig::device
