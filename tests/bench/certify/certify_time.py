#!/usr/bin/env python3
"""How long `gaterig certify` takes on a rig (issue #6: the whole standard against the simulated
terminal in <= 10 minutes on a 2-core machine, `--quick` in <= 2 minutes).

Runs `gaterig certify --rig RIG [--quick] --out OUT/run-N --json` N times from the repository root
and, per run, reports:
  - wall time (process start to exit), exit code, every clause's verdict and their counts
    (from certify's --json summary, schema gaterig.certify/1);
  - where the time went, from what certify writes into --out: progress.jsonl (the plugin's feed:
    session collected, rig starting/started, each test started/finished, each trial's progress,
    session finished) gives the phases
        startup   process start -> pytest session collected (interpreter, imports, collection)
        rig start rig starting -> started (inside the first test)
        tests     each test's started -> finished (fixture setup incl. enrollment, trials, teardown)
        results   last test finished -> session finished (verdicts, results.json, evidence)
        report    session finished -> process exit (`gaterig report build`: JSON, HTML, PDF)
    and per clause the sum of its tests, per trial group its trials and trials/s;
  - peak resident memory and CPU seconds of every process of the run (gaterig certify, the python3
    pytest session holding the rig, gaterig devsim, gaterig report), sampled from /proc each second;
  - the load average before and after (the machine is shared: figures are noisy).
Prints a table per run and writes everything to OUT/certify_time.json (schema
gaterig.bench.certify_time/1); per-run RSS samples in OUT/run-N.rss.csv.

    # quick (target <= 120 s), once:
    tests/bench/certify/certify_time.py --gaterig build/gaterig --quick
    # the whole standard (target <= 600 s), 3 runs:
    tests/bench/certify/certify_time.py --gaterig build/gaterig --runs 3
    # extra certify arguments after --, e.g. one clause:  -- -- -k jx_a02
    # the same table for a certify --out folder that already exists (no run):
    tests/bench/certify/certify_time.py --analyse out/certify

Exit code: 0 when every run met the target and certify exited 0 or 1 (a device FAIL is a
verdict, not a failure of the run), 1 when a target was missed, 2 when a run errored (exit >= 2).
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)

from procmon import ProcessSampler  # noqa: E402

TARGET_S = {"quick": 120.0, "full": 600.0}


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def read_progress(path):
    if not os.path.isfile(path):
        return []
    out = []
    with open(path) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a line cut by a kill
    return out


def verdict_counts(verdicts):
    """'11 PASS, 3 FAIL, 5 NOT TESTED': the clauses' verdicts counted (certify's exit code says what
    they add up to: 0 PASS, 1 a FAIL or a required clause NOT TESTED)."""
    counts = {}
    for v in verdicts.values():
        counts[v] = counts.get(v, 0) + 1
    order = ["PASS", "FAIL", "ERROR", "NOT TESTED"]
    return ", ".join(f"{counts[v]} {v}" for v in sorted(counts, key=lambda v: (order.index(v) if v in order else 9, v))) \
        or None


def phases(progress, t_start, t_end):
    """Where the time went, from progress.jsonl (times are wall clock `at` seconds)."""
    collected = next((p["at"] for p in progress if p.get("event") == "session" and p.get("state") == "collected"), None)
    finished = next((p["at"] for p in progress if p.get("event") == "session" and p.get("state") == "finished"), None)
    rig_starting = next((p["at"] for p in progress if p.get("event") == "rig" and p.get("state") == "starting"), None)
    rig_started = next((p["at"] for p in progress if p.get("event") == "rig" and p.get("state") == "started"), None)
    tests, open_tests = [], {}
    for p in progress:
        if p.get("event") != "test":
            continue
        if p.get("state") == "started":
            open_tests[p["nodeid"]] = p
        elif p.get("state") == "finished" and p["nodeid"] in open_tests:
            s = open_tests.pop(p["nodeid"])
            tests.append({"nodeid": p["nodeid"], "clause": p.get("clause"), "status": p.get("status"),
                          "seconds": round(p["at"] - s["at"], 2)})
    for nodeid, s in open_tests.items():  # started, never finished (killed, interrupted)
        tests.append({"nodeid": nodeid, "clause": s.get("clause"), "status": "unfinished", "seconds": None})
    groups = {}
    for p in progress:
        if p.get("event") != "progress":
            continue
        g = groups.setdefault(p["group"], {"group": p["group"], "clause": p.get("clause"), "first_at": p["at"],
                                           "last_at": p["at"], "done": 0, "total": p.get("total")})
        g["last_at"] = p["at"]
        g["done"] = max(g["done"], p.get("done", 0))
        g["trials_per_s"] = p.get("trials_per_s")
    last_test_end = None
    for p in progress:
        if p.get("event") == "test" and p.get("state") == "finished":
            last_test_end = p["at"]
    clauses = {}
    for t in tests:
        c = clauses.setdefault(t["clause"], {"clause": t["clause"], "tests": 0, "seconds": 0.0, "trials": 0})
        c["tests"] += 1
        c["seconds"] = round(c["seconds"] + (t["seconds"] or 0), 2)
    for g in groups.values():
        if g["clause"] in clauses:
            clauses[g["clause"]]["trials"] += g["done"]

    def span(a, b):
        return round(b - a, 2) if a is not None and b is not None else None

    return {
        "startup_s": span(t_start, collected),
        "rig_start_s": span(rig_starting, rig_started),
        "tests_s": round(sum(t["seconds"] or 0 for t in tests), 2),
        "results_s": span(last_test_end, finished),
        "report_s": span(finished, t_end),
        "tests": tests,
        "clauses": sorted(clauses.values(), key=lambda c: -c["seconds"]),
        "groups": [dict(g, seconds=round(g["last_at"] - g["first_at"], 2)) for g in groups.values()],
        "trials": sum(g["done"] for g in groups.values()),
    }


def trial_costs(trials_csv):
    """What each kind of trial costs the run: per outcome class, the time from its photon to the
    next trial's photon in the same group (the group's last trial has no next and is left out).
    A refusal waits out the refusal window, a false reject the whole accept window."""
    if not os.path.isfile(trials_csv):
        return []
    groups = {}
    with open(trials_csv, newline="") as f:
        for row in csv.DictReader(f):
            try:
                groups.setdefault(row["group"], []).append((int(row["photon_mono_ns"]), row["outcome"]))
            except (KeyError, ValueError):
                continue
    costs = {}
    for rows in groups.values():
        rows.sort()
        for (t, outcome), (t_next, _) in zip(rows, rows[1:]):
            c = costs.setdefault(outcome, {"outcome": outcome, "trials": 0, "seconds": 0.0})
            c["trials"] += 1
            c["seconds"] += (t_next - t) / 1e9
    out = []
    for c in costs.values():
        out.append({"outcome": c["outcome"], "trials": c["trials"], "seconds": round(c["seconds"], 1),
                    "mean_s": round(c["seconds"] / c["trials"], 2)})
    return sorted(out, key=lambda c: -c["seconds"])


def run_once(args, index, extra):
    out = os.path.join(args.out, f"run-{index}")
    if os.path.exists(out):
        shutil.rmtree(out)
    cmd = [args.gaterig, "certify", "--rig", args.rig, "--out", out, "--json", "--seed", str(args.seed)]
    if args.quick:
        cmd.append("--quick")
    cmd += extra
    print(f"run {index}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    load_before = load_average()
    stderr_path = os.path.join(args.out, f"run-{index}.stderr")
    with open(stderr_path, "w") as err:
        t_start = time.time()
        m0 = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=err, text=True)
        sampler = ProcessSampler(os.path.join(args.out, f"run-{index}.rss.csv"), tree_root=proc.pid).start()
        try:
            stdout, _ = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()  # certify forwards it to the session: the rig stops, results are written
            stdout, _ = proc.communicate(timeout=120)
        finally:
            sampler.stop()
        wall = time.monotonic() - m0
        t_end = t_start + wall
    summary = None
    for line in reversed(stdout.splitlines()):
        try:
            summary = json.loads(line)
            break
        except json.JSONDecodeError:
            continue
    progress = read_progress(os.path.join(out, "progress.jsonl"))
    verdicts = {c["id"]: c["verdict"] for c in (summary or {}).get("clauses", [])}
    results_path = os.path.join(out, "results.json")
    if not verdicts and os.path.isfile(results_path):
        with open(results_path) as f:
            verdicts = {c["id"]: c["verdict"] for c in json.load(f).get("clauses", [])}
    return {
        "run": index,
        "command": cmd,
        "out": out,
        "wall_s": round(wall, 2),
        "exit_code": proc.returncode,
        "verdict": verdict_counts(verdicts),
        "verdicts": verdicts,
        "summary": summary,
        "load_before": load_before,
        "load_after": load_average(),
        "phases": phases(progress, t_start, t_end),
        "trial_costs": trial_costs(os.path.join(out, "trials.csv")),
        "processes": sampler.summary(),
        "stderr": stderr_path,
    }


def print_run(r, target):
    p = r["phases"]
    print(f"\n== run {r['run']}: {r['wall_s']:.1f} s wall, exit {r['exit_code']}, clauses {r['verdict']}, "
          f"target <= {target:.0f} s: {'met' if r['wall_s'] <= target else 'MISSED by %.1f s' % (r['wall_s'] - target)}"
          f"  (load {r['load_before'][0]:.2f} before, {r['load_after'][0]:.2f} after)")
    print(f"   {p['trials']} trials; startup {p['startup_s']} s, rig start {p['rig_start_s']} s, tests {p['tests_s']} s, "
          f"results {p['results_s']} s, report {p['report_s']} s")
    print(f"   {'clause':<9} {'verdict':<11} {'seconds':>8} {'share':>6} {'tests':>5} {'trials':>6}")
    for c in p["clauses"]:
        share = 100.0 * c["seconds"] / r["wall_s"] if r["wall_s"] else 0
        print(f"   {c['clause']:<9} {r['verdicts'].get(c['clause'], '?'):<11} {c['seconds']:>8.1f} {share:>5.1f}% "
              f"{c['tests']:>5} {c['trials']:>6}")
    untested = [k for k, v in r["verdicts"].items() if k not in {c["clause"] for c in p["clauses"]}]
    if untested:
        listed = ", ".join(k + " " + r["verdicts"][k] for k in untested)
        print(f"   not run by any test: {listed}")
    print(f"   {'test':<70} {'seconds':>8}")
    for t in sorted(p["tests"], key=lambda t: -(t["seconds"] or 0)):
        sec = f"{t['seconds']:8.1f}" if t["seconds"] is not None else "   (cut)"
        print(f"   {t['nodeid'][:70]:<70} {sec}")
    print(f"   {'trial group':<34} {'trials':>7} {'seconds':>8} {'trials/s':>8}")
    for g in sorted(p["groups"], key=lambda g: -g["seconds"]):
        print(f"   {g['group'][:34]:<34} {g['done']:>3}/{g['total'] or '?':<3} {g['seconds']:>8.1f} "
              f"{g.get('trials_per_s') or 0:>8.2f}")
    print(f"   {'trials ending as':<26} {'trials':>6} {'seconds':>8} {'s/trial':>8}  (photon to the next photon)")
    for c in r["trial_costs"]:
        print(f"   {c['outcome']:<26} {c['trials']:>6} {c['seconds']:>8.1f} {c['mean_s']:>8.2f}")
    print(f"   {'process':<24} {'peak RSS MiB':>12} {'CPU s':>7}")
    for label, s in sorted(r["processes"].items(), key=lambda kv: -kv[1]["peak_rss_mib"]):
        print(f"   {label[:24]:<24} {s['peak_rss_mib']:>12.1f} {s['cpu_s']:>7.1f}")


def analyse(out, quick):
    """The table of an existing certify --out folder (a run made by hand or by the lead)."""
    run_json = os.path.join(out, "run.json")
    if os.path.isfile(run_json):
        with open(run_json) as f:
            quick = bool(json.load(f).get("quick", quick))
    target = TARGET_S["quick" if quick else "full"]
    progress = read_progress(os.path.join(out, "progress.jsonl"))
    if not progress:
        print(f"{out}: no progress.jsonl", file=sys.stderr)
        return 2
    t0, t1 = progress[0]["at"], progress[-1]["at"]
    verdicts = {}
    results_path = os.path.join(out, "results.json")
    if os.path.isfile(results_path):
        with open(results_path) as f:
            verdicts = {c["id"]: c["verdict"] for c in json.load(f).get("clauses", [])}
    r = {"run": os.path.basename(os.path.normpath(out)), "out": out, "wall_s": round(t1 - t0, 2), "exit_code": None,
         "verdict": verdict_counts(verdicts),
         "verdicts": verdicts, "load_before": load_average(), "load_after": load_average(),
         "phases": phases(progress, t0, t1), "trial_costs": trial_costs(os.path.join(out, "trials.csv")),
         "processes": {}}
    print_run(r, target)
    print("(analysed after the fact: the load shown is now's, not the run's)")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--gaterig", help="the built gaterig (e.g. build/gaterig); required unless --analyse")
    ap.add_argument("--rig", default="rigs/sim.toml", help="rig description, relative to the repository root")
    ap.add_argument("--quick", action="store_true", help="certify --quick (target 120 s instead of 600 s)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="where the runs go (default out/bench-certify-{quick,full})")
    ap.add_argument("--timeout", type=float, default=3600.0, help="a run longer than this is stopped (SIGTERM)")
    ap.add_argument("--analyse", metavar="DIR", default=None,
                    help="no run: the same table for a certify --out folder that exists (wall time from its "
                         "progress.jsonl: first to last line, so without the startup and the report)")
    args, extra = ap.parse_known_args()
    if extra and extra[0] == "--":
        extra = extra[1:]
    if args.analyse:
        return analyse(args.analyse, args.quick)
    if not args.gaterig:
        ap.error("--gaterig is required (the built gaterig, e.g. build/gaterig)")
    args.gaterig = os.path.abspath(args.gaterig)
    if not os.access(args.gaterig, os.X_OK):
        ap.error(f"--gaterig {args.gaterig}: not an executable (build it: cmake --build BUILD --target gaterig "
                 f"gaterig_python gaterig_python_files)")
    mode = "quick" if args.quick else "full"
    args.out = os.path.abspath(args.out or os.path.join(REPO, "out", f"bench-certify-{mode}"))
    os.makedirs(args.out, exist_ok=True)
    target = TARGET_S[mode]
    runs = []
    for i in range(1, args.runs + 1):
        r = run_once(args, i, extra)
        runs.append(r)
        print_run(r, target)
    walls = [r["wall_s"] for r in runs]
    doc = {"schema": "gaterig.bench.certify_time/1", "mode": mode, "target_s": target, "rig": args.rig,
           "gaterig": args.gaterig, "cpus": os.cpu_count(), "runs": runs,
           "wall_s": {"min": min(walls), "median": statistics.median(walls), "max": max(walls)},
           "target_met": all(w <= target for w in walls)}
    path = os.path.join(args.out, "certify_time.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    print(f"\n{mode}: wall min {min(walls):.1f} s, median {statistics.median(walls):.1f} s, max {max(walls):.1f} s "
          f"over {len(runs)} run(s); target <= {target:.0f} s {'met' if doc['target_met'] else 'MISSED'}")
    print(f"json: {path}")
    if any(r["exit_code"] not in (0, 1) for r in runs):
        return 2
    return 0 if doc["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
