#!/usr/bin/env python3
"""Is the latency the rig measures right? (issue #6: within 1 ms of delays injected into the
simulated terminal.)

Starts the simulated rig through the python module (gaterig.Rig on rigs/sim.toml, as a certification
does), enrolls the fixture set's enrolled persons, and for each injected delay D (default 0, 40,
250, 1000 ms: the devsim's `decision_delay_ms`, set with Terminal.set_params, which holds the first
Wiegand edge exactly D after the terminal's decision) runs a genuine trial group (enrolled persons,
normal light, no mask, no attack) through the rig's runner, like JX-A.2's.

What is compared, per accepted trial:
  rig latency    L_rig = frame_at - photon_mono        (the rig: its Wiegand probe's first edge of the
                                                        card frame minus the photon time of the
                                                        presentation on its display; latency_ns)
  terminal's own timing, from its admin endpoint GET /decisions (same CLOCK_MONOTONIC, one machine):
                 shown_ns     the frame's publish time as the terminal received it in the frame
                 received_ns  when the terminal had the frame
                 decided_ns   when it decided
                 first_edge_ns when its Wiegand sender put the first edge on the wire
  baseline       B = decided_ns - shown_ns             (frame transfer + receive + face analysis +
                                                        decision: varies per trial, not injected)
  expected       E = B + D
  error          L_rig - E, split into three parts that add up to it:
      photon offset   shown_ns - photon_mono           (does the terminal's frame carry the rig's photon time?
                                                        non-zero when the deciding frame is a later re-send)
      injection error first_edge_ns - decided_ns - D   (does the devsim keep its promise of D?)
      capture lag     frame_at - first_edge_ns         (the rig's probe timestamp vs the sender's edge)
  and also L_rig - (first_edge_ns - shown_ns), the rig vs the terminal's own shown->edge figure.
A trial is matched to the terminal's decision whose first edge is nearest the rig's frame_at
(within --match-ms). Per delay: trials, matched, mean and max |error| in ms; target max <= 1 ms.

    tests/bench/certify/latency_accuracy.py --gaterig build/gaterig [--delays 0,40,250,1000]
        [--trials 20] [--json out.json]

Exit code: 0 target met, 1 missed, 3 rig error.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
TARGET_MS = 1.0

GAP_MS, SETTLE_MS, WINDOW_MS = 150, 100, 5000   # as scenarios/conftest.py TrialBook


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def admin_get(port, path, timeout_s=10):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout_s) as r:
        return json.loads(r.read())


def terminal_admin_port(rig):
    ready = rig.events(kind="terminal.ready")
    if not ready:
        raise RuntimeError("no terminal.ready event on the rig's timeline: is the terminal a devsim?")
    port = ready[-1]["payload"].get("admin_port")
    if not port:
        raise RuntimeError(f"terminal.ready has no admin_port: {ready[-1]['payload']}")
    return port


def match(rows, decisions, delay_ms, match_ms):
    """Pairs each accepted trial with the terminal's decision that put out its first edge."""
    accepts = [d for d in decisions if d.get("first_edge_ns") is not None]
    out = []
    for row in rows:
        if row.get("latency_ns") is None or row.get("frame_at") is None:
            continue
        best = min(accepts, key=lambda d: abs(d["first_edge_ns"] - row["frame_at"]), default=None)
        if best is None or abs(best["first_edge_ns"] - row["frame_at"]) > match_ms * 1e6:
            out.append({"trial": row["trial"], "outcome": row["outcome"], "matched": False,
                        "rig_ms": row["latency_ns"] / 1e6})
            continue
        ms = 1e-6
        rig_ms = row["latency_ns"] * ms
        baseline = (best["decided_ns"] - best["shown_ns"]) * ms
        expected = baseline + delay_ms
        out.append({
            "trial": row["trial"], "outcome": row["outcome"], "matched": True,
            "frame": best["frame"], "frames_shown": row.get("frames"),
            "rig_ms": round(rig_ms, 4),
            "baseline_ms": round(baseline, 4),
            "receive_ms": round((best["received_ns"] - best["shown_ns"]) * ms, 4),
            "expected_ms": round(expected, 4),
            "error_ms": round(rig_ms - expected, 4),
            "photon_offset_ms": round((best["shown_ns"] - row["photon_mono"]) * ms, 4),
            "injection_error_ms": round((best["first_edge_ns"] - best["decided_ns"]) * ms - delay_ms, 4),
            "capture_lag_ms": round((row["frame_at"] - best["first_edge_ns"]) * ms, 4),
            "vs_terminal_ms": round(rig_ms - (best["first_edge_ns"] - best["shown_ns"]) * ms, 4),
        })
    return out


def spread(presentations, count):
    """`count` presentations taken person by person (every person's first photo, then every
    person's second, ...), so one person comes back as seldom as the set allows (the terminal's
    anti-passback would refuse a quick repeat)."""
    by_person = {}
    for p in presentations:
        by_person.setdefault(p.person, []).append(p)
    rounds = max(len(v) for v in by_person.values())
    ordered = [v[r] for r in range(rounds) for v in by_person.values() if r < len(v)]
    return [ordered[k % len(ordered)] for k in range(min(count, len(ordered)))]


def stats(values):
    if not values:
        return None
    a = [abs(v) for v in values]
    return {"mean": round(statistics.fmean(values), 4), "mean_abs": round(statistics.fmean(a), 4),
            "max_abs": round(max(a), 4), "min": round(min(values), 4), "max": round(max(values), 4)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--gaterig", required=True, help="the built gaterig (its python package is in BUILD/python)")
    ap.add_argument("--rig", default=os.path.join(REPO, "rigs", "sim.toml"))
    ap.add_argument("--delays", default="0,40,250,1000", help="injected delays in ms, comma separated")
    ap.add_argument("--trials", type=int, default=20, help="genuine trials per delay")
    ap.add_argument("--match-ms", type=float, default=50.0,
                    help="a trial's edge and the terminal's decision further apart than this are not paired")
    ap.add_argument("--work", default=None, help="rig work dir (default: a temporary folder)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", dest="json_out", default=None, help="write the figures here (schema gaterig.bench.latency_accuracy/1)")
    args = ap.parse_args()

    gaterig_exe = os.path.abspath(args.gaterig)
    sys.path.insert(0, os.path.join(os.path.dirname(gaterig_exe), "python"))
    import gaterig  # noqa: E402  (the build's package)

    delays = [float(d) for d in args.delays.split(",") if d.strip()]
    work = args.work or tempfile.mkdtemp(prefix="latency-accuracy-")
    load_before = load_average()
    t0 = time.monotonic()
    results = []
    rig = gaterig.Rig(args.rig, work_dir=work, seed=args.seed, gaterig_exe=gaterig_exe)
    try:
        rig.start()
        terminal = rig.terminal()
        if not terminal.wait_ready(timeout_s=120):
            raise RuntimeError("the simulated terminal was not ready within 120 s")
        port = terminal_admin_port(rig)
        persons = rig.enrolled_persons()
        rig.enroll()
        sync = rig.wait_synced(len(persons), timeout_s=120, ask_terminal=True)
        if not sync.get("synced"):
            raise RuntimeError(f"the terminal did not hold the {len(persons)} enrolled persons: {sync}")
        genuine = rig.fixture_set().presentations(role="enrolled", light="normal", mask=False, helmet=False,
                                                  attack="none", qr=False)
        # photos as taken only: variants (distance, ...) have their own tags in the manifest
        print(f"rig up in {time.monotonic() - t0:.1f} s; {len(persons)} enrolled, {len(genuine)} genuine photos; "
              f"terminal admin port {port}", file=sys.stderr, flush=True)
        repeat_window_ms = int(1000 * float(terminal.status().get("params", {}).get("repeat_window_s", 0))) + 200
        for i, delay in enumerate(delays):
            terminal.set_params({"decision_delay_ms": delay})
            got = terminal.status().get("params", {}).get("decision_delay_ms")
            if got is None or abs(float(got) - delay) > 1e-6:
                raise RuntimeError(f"decision_delay_ms {delay}: the terminal reports {got}")
            presentations = spread(genuine, args.trials)
            timing = dict(seed=args.seed + i, gap_ms=GAP_MS, window_ms=WINDOW_MS, repeat_window_ms=repeat_window_ms,
                          person_spacing=min(len({p.person for p in presentations}) - 1, 8))
            try:
                plan = rig.plan(presentations, 1, settle_ms=SETTLE_MS, **timing)
            except TypeError:  # a build whose Rig.plan has no settle_ms yet
                plan = rig.plan(presentations, 1, **timing)
            t = time.monotonic()
            out = rig.run_trials(plan, group=f"latency/{delay:g}ms", mode="test")
            rows = out.rows()
            decisions = admin_get(port, "/decisions?last=1000")["decisions"]
            pairs = match(rows, decisions, delay, args.match_ms)
            matched = [p for p in pairs if p["matched"]]
            r = {"delay_ms": delay, "trials": len(rows), "accepted": out.count("true_accept"),
                 "with_latency": len(pairs), "matched": len(matched), "seconds": round(time.monotonic() - t, 1),
                 "error_ms": stats([p["error_ms"] for p in matched]),
                 "vs_terminal_ms": stats([p["vs_terminal_ms"] for p in matched]),
                 "photon_offset_ms": stats([p["photon_offset_ms"] for p in matched]),
                 "injection_error_ms": stats([p["injection_error_ms"] for p in matched]),
                 "capture_lag_ms": stats([p["capture_lag_ms"] for p in matched]),
                 "rig_latency_ms": stats([p["rig_ms"] for p in matched]),
                 "baseline_ms": stats([p["baseline_ms"] for p in matched]),
                 "outcomes": {c: out.count(c) for c in sorted({row["outcome"] for row in rows})},
                 "pairs": pairs}
            results.append(r)
            e = r["error_ms"] or {}
            print(f"delay {delay:g} ms: {r['matched']}/{r['trials']} matched, error mean {e.get('mean')} "
                  f"max |{e.get('max_abs')}| ms", file=sys.stderr, flush=True)
        terminal.set_params({"decision_delay_ms": 0})
    except gaterig.RigError as exc:
        print(f"latency_accuracy: rig error: {exc}", file=sys.stderr)
        return 3
    finally:
        rig.stop()
    load_after = load_average()

    print(f"\nrig latency vs injected delay + terminal baseline (decided - shown), per accepted trial "
          f"(load {load_before[0]:.2f} before, {load_after[0]:.2f} after):")
    head = (f"{'delay':>6} {'n':>7} {'rig lat':>8} {'base':>6} {'err mean':>9} {'err |max|':>9} "
            f"{'photon':>7} {'inject':>7} {'capture':>8} {'vs term':>8}")
    print(head)
    print(f"{'ms':>6} {'match/n':>7} {'mean':>8} {'mean':>6} {'ms':>9} {'ms':>9} {'|max|':>7} {'|max|':>7} "
          f"{'mean':>8} {'|max|':>8}")
    ok = True
    for r in results:
        e = r["error_ms"]
        if e is None:
            ok = False
            print(f"{r['delay_ms']:>6g} {r['matched']:>3}/{r['trials']:<3} no matched trial")
            continue
        ok = ok and e["max_abs"] <= TARGET_MS and r["matched"] == r["with_latency"] and r["matched"] > 0
        print(f"{r['delay_ms']:>6g} {r['matched']:>3}/{r['trials']:<3} {r['rig_latency_ms']['mean']:>8.2f} "
              f"{r['baseline_ms']['mean']:>6.1f} {e['mean']:>9.4f} {e['max_abs']:>9.4f} "
              f"{r['photon_offset_ms']['max_abs']:>7.3f} {r['injection_error_ms']['max_abs']:>7.3f} "
              f"{r['capture_lag_ms']['mean']:>8.3f} {r['vs_terminal_ms']['max_abs']:>8.4f}")
    print(f"target: |error| <= {TARGET_MS} ms on every matched trial: {'met' if ok else 'MISSED'}")
    vs = [r["vs_terminal_ms"]["max_abs"] for r in results if r["vs_terminal_ms"]]
    rig_ok = bool(vs) and max(vs) <= TARGET_MS
    print(f"the rig alone (vs the terminal's own shown->first edge): max |{max(vs) if vs else None}| ms: "
          f"{'met' if rig_ok else 'MISSED'}; the rest of the error is the terminal's (injection column)")
    doc = {"schema": "gaterig.bench.latency_accuracy/1", "rig": args.rig, "gaterig": gaterig_exe,
           "target_ms": TARGET_MS, "target_met": ok, "rig_vs_terminal_met": rig_ok, "load_before": load_before, "load_after": load_after,
           "seconds": round(time.monotonic() - t0, 1), "delays": results}
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(doc, f, indent=1)
        print(f"json: {args.json_out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
