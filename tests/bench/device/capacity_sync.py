#!/usr/bin/env python3
"""Time of the certification's JX-A.1 capacity step on a rig: Rig.enroll_capacity(N) (workers
with synthetic ID numbers, the set's enrolled photos cycled, into the rig's platform) plus the
terminal's sync, until wait_synced (asking the terminal) sees them held. The set's enrolled
persons are enrolled first, as the scenarios' gallery does. Prints one JSON line
(schema gaterig.bench.capacity_sync/1); the terminal's last sync report carries its split of the
time (phases_ms).

    PYTHONPATH=build/python /usr/bin/python3 tests/bench/device/capacity_sync.py \\
        --rig rigs/sim.toml --count 10100 --work /tmp/capacity
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import gaterig


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rig", default="rigs/sim.toml")
    ap.add_argument("--count", type=int, default=10100, help="capacity workers added after the set's persons")
    ap.add_argument("--work", help="the rig's work folder (default: a temporary one, removed afterwards)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed for the sync")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="gaterig-capacity-")
    rig = gaterig.Rig(gaterig.RigDescription.load(a.rig), work_dir=work, seed=1)
    t0 = time.monotonic()
    rig.start()
    started = time.monotonic() - t0
    try:
        base = rig.enroll(None)
        held = base["accepted"] + base["already"]
        first = rig.wait_synced(held, timeout_s=120, ask_terminal=True)
        load_before = os.getloadavg()
        t = time.monotonic()
        report = rig.enroll_capacity(a.count)
        add_s = time.monotonic() - t
        want = held + report["accepted"] + report["already"]
        sync = rig.wait_synced(want, timeout_s=a.timeout, ask_terminal=True)
        total_s = time.monotonic() - t
        status = rig.terminal().status()
        print(json.dumps({
            "schema": "gaterig.bench.capacity_sync/1", "rig": a.rig, "count": a.count,
            "rig_start_s": round(started, 1), "set_enrolled": first["enrolled"],
            "enroll_capacity_s": round(add_s, 1),
            "enroll_report": {k: report[k] for k in ("requested", "accepted", "already", "refused")},
            "capacity_plus_sync_s": round(total_s, 1), "synced": sync["synced"], "held": sync["enrolled"],
            "sync_error": sync.get("error", ""), "capacity": status.get("capacity"),
            "terminal_last_sync": status.get("sync"),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()]}))
        return 0 if sync["synced"] else 1
    finally:
        rig.stop()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
