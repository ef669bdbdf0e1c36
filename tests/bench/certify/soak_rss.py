#!/usr/bin/env python3
"""Resident memory through a 100,000-record offline soak (issue #6: the rig's RSS flat, under 1 GiB).

The JX-A.1 record_capacity path, driven through the python module as a certification drives it
(scenarios/test_jx_a01_storage_offline.py): the simulated rig started (gaterig.Rig on rigs/sim.toml:
platform, bench and Wiegand probe in this python process, `gaterig devsim` a child process), the
fixture set's enrolled persons enrolled and synchronised, then
    1. the platform cut (fault "refuse"),
    2. Terminal.soak(N): the devsim makes N passes itself (POST /soak) into its offline store,
    3. the platform restored, and the devsim's backfill waited for until the platform has received
       every stored record (records accepted + recognised duplicates),
    4. a settle period with nothing happening.
Every second the RSS and CPU time of every process of the rig are sampled from /proc into
OUT/soak_rss.csv: `python3 soak_rss.py` is the rig controller (it holds the Rig and, in-process,
the platform endpoint and its store), `gaterig devsim` the terminal (its pid changes on a power
cut). Reports per process the peak, first and last RSS, the slope over the whole run and over the
backfill (MiB/min), the CPU seconds, and the duration of each phase; the rig's timeline size
(events) before and after, since every platform record lands there as an event.

    tests/bench/certify/soak_rss.py --gaterig build/gaterig [--records 100000] [--cycles N] [--out DIR]

--cycles N repeats steps 1-3 N times in one rig session (the terminal's store empties on each
backfill): from the second cycle on, the rig's in-memory timeline window (Rig::kTimelineCapacity,
the last 100,000 events; every event also goes to events.jsonl as it happens) is full, so the
controller's memory must stop growing. Each cycle's RSS and heap are reported.

Exit code: 0 every record arrived and the peak stayed under 1 GiB, 1 otherwise, 3 rig error.
"""
import argparse
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)

from procmon import ProcessSampler, rss_kib, slope  # noqa: E402

LIMIT_MIB = 1024.0


def heap_in_use_mib():
    """glibc's own count of allocated heap bytes in this process (every arena, mmapped chunks
    included): C++ and Python alike, unlike RSS it does not count freed memory kept by malloc."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                   "fsmblks", "uordblks", "fordblks", "keepcost")]
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        m = libc.mallinfo2()
    except (OSError, AttributeError):
        return None
    return round((m.uordblks + m.hblkhd) / 2**20, 1)


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def soak_cycle(args, rig, terminal, platform, received, mark, cycle):
    """One outage: the platform cut, N passes made offline, the platform back and every stored
    record waited for. Returns that cycle's figures."""
    before = received()
    mark(f"cycle {cycle}: platform cut; soak")
    platform.set_fault("refuse")
    t = time.monotonic()
    try:
        made = terminal.soak(args.records, timeout_s=max(600.0, args.records / 50.0))
    finally:
        platform.up()
    one = {"cycle": cycle, "soak_s": round(time.monotonic() - t, 1), "soak": made}
    stored = int(made.get("stored", 0))
    mark(f"cycle {cycle}: soak done ({stored} stored); platform up; backfill")
    t = time.monotonic()
    deadline = t + args.backfill_timeout
    uploaded = received() - before
    progress_at = t
    while uploaded < stored and time.monotonic() < deadline:
        rig.wait_event("platform.", after=rig.last_seq(), timeout_s=2.0)
        uploaded = received() - before
        if time.monotonic() - progress_at > 30:
            progress_at = time.monotonic()
            print(f"  backfill: {uploaded}/{stored} after {progress_at - t:.0f} s", file=sys.stderr, flush=True)
    one.update({"backfill_s": round(time.monotonic() - t, 1), "uploaded": uploaded, "stored": stored})
    mark(f"cycle {cycle}: backfill done ({uploaded}/{stored})")
    return one


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--gaterig", required=True, help="the built gaterig (its python package is in BUILD/python)")
    ap.add_argument("--rig", default=os.path.join(REPO, "rigs", "sim.toml"))
    ap.add_argument("--records", type=int, default=100_000, help="passes the terminal makes offline")
    ap.add_argument("--cycles", type=int, default=1,
                    help="outages in a row, each of --records passes: past the first, the rig's timeline "
                         "window (Rig::kTimelineCapacity, 100,000 events) is full and memory must stay flat")
    ap.add_argument("--backfill-timeout", type=float, default=1800.0, help="seconds for every record to arrive")
    ap.add_argument("--settle", type=float, default=15.0, help="seconds sampled after the backfill")
    ap.add_argument("--out", default="/tmp/soak-rss", help="work dir, CSV and JSON go here (emptied first)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.cycles < 1:
        ap.error(f"--cycles {args.cycles}: expected at least 1")

    gaterig_exe = os.path.abspath(args.gaterig)
    sys.path.insert(0, os.path.join(os.path.dirname(gaterig_exe), "python"))
    import gaterig  # noqa: E402  (the build's package)

    out = os.path.abspath(args.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    marks = []   # (phase, t_s since the sampler started)
    load_before = load_average()
    heap = {"start": heap_in_use_mib()}
    sampler = ProcessSampler(os.path.join(out, "soak_rss.csv"), tree_root=os.getpid()).start()

    def mark(phase):
        marks.append((phase, round(time.monotonic() - sampler._t0, 2)))
        print(f"[{marks[-1][1]:8.1f} s] {phase}", file=sys.stderr, flush=True)

    rig = gaterig.Rig(args.rig, work_dir=os.path.join(out, "rig-work"), seed=args.seed, gaterig_exe=gaterig_exe)
    result = {"schema": "gaterig.bench.soak_rss/1", "records": args.records, "rig": args.rig}
    code = 0
    terminal = platform = None
    try:
        mark("rig start")
        rig.start()
        terminal, platform = rig.terminal(), rig.platform()
        if not terminal.wait_ready(timeout_s=120):
            raise RuntimeError("the simulated terminal was not ready within 120 s")
        persons = rig.enrolled_persons()
        rig.enroll()
        sync = rig.wait_synced(len(persons), timeout_s=120, ask_terminal=True)
        if not sync.get("synced"):
            raise RuntimeError(f"the terminal did not hold the {len(persons)} enrolled persons: {sync}")

        def received():
            s = platform.summary()
            return s["records_accepted"] + s["duplicates"]

        result["timeline_events_before"] = rig.last_seq()
        result["cycles"] = []
        for cycle in range(1, args.cycles + 1):
            one = soak_cycle(args, rig, terminal, platform, received, mark, cycle)
            one["heap_in_use_mib"] = heap_in_use_mib()
            one["controller_rss_mib"] = round(rss_kib(os.getpid()) / 1024, 1)
            one["timeline_events_after"] = rig.last_seq()
            result["cycles"].append(one)
            if one["uploaded"] < one["stored"]:
                break
        for key in ("soak_s", "backfill_s", "stored", "uploaded"):
            result[key] = round(sum(c[key] for c in result["cycles"]), 1)
        result["soak"] = result["cycles"][-1]["soak"]
        result["timeline_events_after"] = rig.last_seq()
        heap["after_backfill"] = heap_in_use_mib()
        mark("settle")
        time.sleep(args.settle)  # nothing to wait for: memory sampled at rest
        result["terminal_status_queue"] = {k: v for k, v in terminal.status().items()
                                           if k in ("queue", "online", "soak_passes", "records_refused")}
        mark("rig stop")
        heap["before_stop"] = heap_in_use_mib()
    except gaterig.RigError as exc:
        print(f"soak_rss: rig error: {exc}", file=sys.stderr)
        result["error"] = str(exc)
        code = 3
    finally:
        rig.stop()
        # As the certify plugin does at the end of a session (stop_rig): every event of the run into
        # events.jsonl, by the C++ side (it copies the timeline once more on the way).
        mark("rig stopped; events.jsonl")
        events_path = os.path.join(out, "events.jsonl")
        rig.write_events(events_path, append=False)
        mark("end")
        sampler.stop()
    # What the rig's timeline held (every event stays for events.jsonl).
    if "timeline_events_before" in result:
        kinds, count = {}, 0
        with open(events_path) as f:
            for line in f:
                e = json.loads(line)
                if e.get("seq", 0) > result["timeline_events_before"]:
                    kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
                    count += 1
        result["timeline_soak_events"] = {"count": count, "events_jsonl_bytes": os.path.getsize(events_path),
                                          "kinds": dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:10])}
    # Held or leaked? The Rig destroyed (timeline, in-process platform) and the heap trimmed: what
    # the rig held comes back, a leak would not.
    result["controller_rss_mib"] = {"after_stop_and_events_jsonl": round(rss_kib(os.getpid()) / 1024, 1)}
    heap["after_stop"] = heap_in_use_mib()
    terminal = platform = None  # they keep the Rig alive (reference_internal)
    del rig, terminal, platform
    import ctypes
    import gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    result["controller_rss_mib"]["after_rig_destroyed"] = round(rss_kib(os.getpid()) / 1024, 1)
    heap["after_rig_destroyed"] = heap_in_use_mib()
    result["controller_heap_in_use_mib"] = heap

    # Slope during the (last cycle's) backfill only: the soak itself fills the devsim's store on purpose.
    b0 = next((t for p, t in reversed(marks) if "soak done" in p), None)
    b1 = next((t for p, t in reversed(marks) if "backfill done" in p), None)
    procs = sampler.summary()
    for label in procs:
        series = {}
        for t, lab, pid, rss, cpu in sampler.rows:
            if lab == label and b0 is not None and b1 is not None and b0 <= t <= b1:
                series[t] = series.get(t, 0) + rss
        procs[label]["backfill_slope_mib_per_min"] = round(slope(sorted(series.items())) * 60 / 1024, 3)
    result.update({"phases": marks, "processes": procs, "load_before": load_before, "load_after": load_average(),
                   "limit_mib": LIMIT_MIB})
    peak = max((p["peak_rss_mib"] for p in procs.values()), default=0)
    all_in = result.get("uploaded", 0) >= result.get("stored", 1) and result.get("stored", 0) > 0
    result["target_met"] = peak < LIMIT_MIB and all_in and code == 0
    with open(os.path.join(out, "soak_rss.json"), "w") as f:
        json.dump(result, f, indent=1)

    print(f"\nsoak of {args.records} records x {args.cycles} (load {load_before[0]:.2f} before, {result['load_after'][0]:.2f} after)")
    if "soak" in result:
        print(f"  soak {result['soak_s']} s: stored {result['stored']} (refused {result['soak'].get('refused')}, "
              f"lost {result['soak'].get('lost')}); backfill {result['backfill_s']} s: {result['uploaded']} received "
              f"by the platform; timeline {result['timeline_events_before']} -> {result['timeline_events_after']} events")
    for c in result.get("cycles", []) if len(result.get("cycles", [])) > 1 else []:
        print(f"  cycle {c['cycle']}: stored {c['stored']}, received {c['uploaded']} in {c['backfill_s']} s; "
              f"timeline at seq {c['timeline_events_after']}; rig controller RSS {c['controller_rss_mib']} MiB, "
              f"heap in use {c['heap_in_use_mib']} MiB")
    if "timeline_soak_events" in result:
        te = result["timeline_soak_events"]
        print(f"  timeline events from the soak on: {te['count']} (events.jsonl of the run: "
              f"{te['events_jsonl_bytes'] / 1e6:.1f} MB); "
              f"kinds {te['kinds']}")
    if "controller_rss_mib" in result:
        c = result["controller_rss_mib"]
        print(f"  rig controller RSS after rig.stop() and events.jsonl: {c['after_stop_and_events_jsonl']} MiB; "
              f"after the Rig is destroyed and the heap "
              f"trimmed: {c['after_rig_destroyed']} MiB")
        print(f"  rig controller heap in use (glibc mallinfo2, MiB): {result['controller_heap_in_use_mib']}")
    print(f"  phases (s since start): " + ", ".join(f"{p} @{t}" for p, t in marks))
    print(f"  {'process':<26} {'first':>7} {'peak':>7} {'last':>7} {'slope':>9} {'backfill':>9} {'CPU s':>7}")
    print(f"  {'':<26} {'MiB':>7} {'MiB':>7} {'MiB':>7} {'MiB/min':>9} {'MiB/min':>9}")
    for label, p in sorted(procs.items(), key=lambda kv: -kv[1]["peak_rss_mib"]):
        print(f"  {label[:26]:<26} {p['first_rss_mib']:>7.1f} {p['peak_rss_mib']:>7.1f} {p['last_rss_mib']:>7.1f} "
              f"{p['slope_mib_per_min']:>9.2f} {p['backfill_slope_mib_per_min']:>9.2f} {p['cpu_s']:>7.1f}")
    print(f"  target: every process < {LIMIT_MIB:.0f} MiB and every record received: "
          f"{'met' if result['target_met'] else 'MISSED'} (peak {peak:.1f} MiB)")
    print(f"  csv: {os.path.join(out, 'soak_rss.csv')}  json: {os.path.join(out, 'soak_rss.json')}")
    return code or (0 if result["target_met"] else 1)


if __name__ == "__main__":
    sys.exit(main())
