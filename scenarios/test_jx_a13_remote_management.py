"""JX-A.13 remote management: a parameter changed and read back, a remote restart, an OTA update.
The national open.api dialect has no terminal commands, so these go through the terminal's own
admin interface (the simulated terminal's admin endpoint; a real terminal's, from the rig
description)."""
import hashlib

import gaterig
import pytest

from conftest import planned, record_count

PARAMETER = "repeat_window_s"   # harmless to change: the anti-passback window
READY_S = 120.0


@pytest.mark.clause("JX-A.13")
def test_jx_a13_remote_management(rig, standard, terminal, clause, tmp_path):
    clause.note("the national open.api dialect carries no terminal command (parameter change, restart, OTA): "
                "they go through the terminal's admin interface")

    original = terminal.status().get("params", {}).get(PARAMETER)
    failed = 0
    changes = planned(standard, rig, "JX-A.13", "parameter_change_failures")
    try:
        for i in range(changes):
            wanted = float(original or 0) + 1 + i
            try:
                terminal.set_params({PARAMETER: wanted})
                got = terminal.status().get("params", {}).get(PARAMETER)
            except (gaterig.RigError, ValueError) as exc:
                got = f"refused: {exc}"
            if got != wanted:
                failed += 1
                clause.note(f"parameter change {i + 1}: {PARAMETER} set to {wanted}, read back {got}")
    finally:
        if original is not None:
            terminal.set_params({PARAMETER: original})
    record_count(clause, "parameter_change_failures", failed, changes)

    failed = 0
    restarts = planned(standard, rig, "JX-A.13", "restart_failures")
    for i in range(restarts):
        try:
            terminal.restart(timeout_s=READY_S)
            terminal.status()
        except gaterig.RigError as exc:
            failed += 1
            clause.note(f"restart {i + 1}: not ready again within {READY_S:.0f} s ({exc})")
            terminal.wait_ready(timeout_s=READY_S)
    record_count(clause, "restart_failures", failed, restarts)

    # A test image, not a vendor's: the terminal checks its digest, stages it and installs it at
    # the next start; what is shown is that the update path works and reports the new version.
    version = "9.9.9-rig-ota"
    image = b"GATERIG-OTA-TEST\n" + hashlib.sha256(version.encode()).digest() * 64
    image_path = tmp_path / "ota-test.bin"
    image_path.write_bytes(image)
    try:
        terminal.update_firmware(str(image_path), version)
    except gaterig.RigError as exc:
        if "not supported" in str(exc):
            clause.note(f"OTA update not tested: {exc}")
            return
        got = f"failed: {exc}"
    else:
        try:
            terminal.restart(timeout_s=READY_S)
            got = terminal.firmware().get("firmware_version")
        except gaterig.RigError as exc:
            got = f"failed: {exc}"
    record_count(clause, "ota_update_failures", int(got != version), 1)
    clause.note(f"OTA through the terminal's admin interface (firmware image with its SHA-256, then a restart): "
                f"image {version} ({len(image)} bytes, sha256 {hashlib.sha256(image).hexdigest()[:16]}...) sent; "
                f"the terminal reports firmware {got}")
