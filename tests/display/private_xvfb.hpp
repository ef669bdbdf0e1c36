#pragma once
// A private Xvfb for tests: Xvfb picks a free display number itself (-displayfd), so no fixed
// display number; the wait for it is deadline-bounded.
//
// One per test process, never stopped by hand: OpenCV's Qt backend connects to the first $DISPLAY
// it sees for the life of the process and aborts when that server goes away, so the server must
// outlive every Qt call. It is started with PR_SET_PDEATHSIG, so it ends when this process does.
#include <optional>
#include <string>

namespace gaterig::test {

// The display name (":N") of the process's Xvfb, started on first use with `DISPLAY` set to it;
// nullopt with `why` filled when Xvfb is not installed or does not come up.
std::optional<std::string> private_xvfb(std::string& why);

}  // namespace gaterig::test
