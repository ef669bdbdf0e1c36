"""`gaterig certify` and the gaterig pytest plugin, from outside, on the simulated rig.

The scenario folder is tests/pyplugin/scenarios (three clauses of the Jiangxi profile): a clause
whose recorded figures pass is PASS, a clause no test recorded is NOT TESTED, a test that raises a
rig error makes its clause ERROR (never FAIL); the results document, trials.csv and events.jsonl
are written with their digests; an interrupted run continues with --resume without repeating a
finished test or a journalled trial.

Needs the Python module built beside the gaterig binary (<build>/python/gaterig).
"""
import hashlib
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "pyplugin" / "scenarios"
STANDARD = ROOT / "scenarios" / "standards" / "jiangxi-2022.toml"
SIM_RIG = ROOT / "rigs" / "sim.toml"


@pytest.fixture(scope="module")
def python_dir(gaterig):
    build = pathlib.Path(os.environ.get("GATERIG_BUILD_DIR") or pathlib.Path(gaterig).parent)
    path = build / "python"
    if not (path / "gaterig" / "__init__.py").is_file():
        pytest.skip(f"the gaterig Python package is not built at {path} (build target gaterig_python)")
    probe = subprocess.run([sys.executable, "-c", "import gaterig; print(','.join(gaterig.features()))"],
                           env=dict(os.environ, PYTHONPATH=str(path)), capture_output=True, text=True)
    if probe.returncode != 0 or "rig" not in probe.stdout or "standard" not in probe.stdout:
        pytest.skip(f"this build's gaterig module lacks the rig or the standard: {probe.stdout}{probe.stderr[-500:]}")
    return path


def certify(gaterig, out, *extra, env=None):
    return [gaterig, "certify", "--rig", str(SIM_RIG), "--scenarios", str(SCENARIOS), "--standard", str(STANDARD),
            "--out", str(out), "--quick", *extra]


def journal_trials(path):
    """Trial ids of a journal's outcome lines, in order (the header is not a trial)."""
    ids = []
    for line in path.read_text().splitlines():
        obj = json.loads(line)
        if "trial" in obj:
            ids.append(obj["trial"])
    return ids


def verdicts(out):
    doc = json.loads((out / "results.json").read_text())
    return doc, {c["id"]: c for c in doc["clauses"]}


def test_without_a_rig_every_scenario_skips_saying_how_to_give_one(python_dir):
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "gaterig.pytest_plugin", "-p", "no:cacheprovider",
                        "-rs", "--rootdir", str(SCENARIOS), str(SCENARIOS)],
                       env=dict(os.environ, PYTHONPATH=str(python_dir), GATERIG_RIG=""),
                       capture_output=True, text=True, timeout=120)
    assert "missing rig description (use --rig rigs/sim.toml)" in r.stdout, r.stdout[-2000:]
    assert " passed" not in r.stdout


def test_certify_writes_verdicts_evidence_and_exits_3_for_a_rig_error(gaterig, python_dir, tmp_path):
    out = tmp_path / "run"
    r = subprocess.run(certify(gaterig, out, "--json"), capture_output=True, text=True, timeout=600)
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 3, (r.stdout[-2000:], r.stderr[-2000:], (out / "pytest.log").read_text()[-3000:])
    assert summary["exit_code"] == 3 and summary["interrupted"] is False
    # The report is rendered when this gaterig has `gaterig report` (reports/report).
    assert "report_error" not in summary, summary
    assert summary["report"] is None or (pathlib.Path(summary["report"]) / "report.html").is_file()

    doc, by_id = verdicts(out)
    assert doc["schema"] == "gaterig.results/1"
    assert doc["run"]["quick"] is True and doc["run"]["resumed"] is False
    assert doc["standard"]["id"] == "jiangxi-2022"
    assert doc["rig"]["kind"] == "sim" and doc["terminal"]["model"], doc["terminal"]
    # A clause whose figures pass; one whose test hit a rig error; every other clause untested.
    assert by_id["JX-A.13"]["verdict"] == "PASS", by_id["JX-A.13"]
    assert by_id["JX-A.10"]["verdict"] in ("PASS", "FAIL")  # decided from its trials (the wire's timing)
    assert by_id["JX-A.18"]["verdict"] == "ERROR"
    assert "bench relay unit 3" in by_id["JX-A.18"]["error"]
    assert "this scenario stands for one whose instrument stopped answering" in by_id["JX-A.18"]["notes"]
    untested = set(by_id) - {"JX-A.10", "JX-A.13", "JX-A.15", "JX-A.18"}
    assert untested and all(by_id[c]["verdict"] == "NOT TESTED" for c in untested)
    assert {g["id"] for g in doc["trial_groups"]} == {"JX-A.10/genuine", "JX-A.10/liveness", "JX-A.15/long"}
    # Two modes in one clause: one word in the clause (the schema's), both named in its notes.
    modes = {g["id"]: g["terminal_mode"] for g in doc["trial_groups"]}
    assert modes["JX-A.10/genuine"] == "test" and modes["JX-A.10/liveness"] == "liveness"
    assert by_id["JX-A.10"]["terminal_mode"] in ("test", "liveness")
    assert any("2 terminal modes (liveness, test)" in n for n in by_id["JX-A.10"]["notes"]), by_id["JX-A.10"]["notes"]

    # Evidence: every file named with its digest and size, relative to the results folder.
    named = {e["path"]: e for e in doc["evidence"]}
    for name in ("trials.csv", "events.jsonl", "journals/JX-A.10_genuine.jsonl"):
        data = (out / name).read_bytes()
        assert named[name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert named[name]["bytes"] == len(data)
    rows = (out / "trials.csv").read_text().splitlines()
    assert rows[0].startswith("trial,group,clause,condition,person,role")
    assert len(rows) - 1 == sum(g["trials"] for g in doc["trial_groups"])
    kinds = {json.loads(line)["kind"] for line in (out / "events.jsonl").read_text().splitlines()}
    assert {"display.shown", "wiegand.frame"} <= kinds

    progress = [json.loads(line) for line in (out / "progress.jsonl").read_text().splitlines()]
    trial_lines = [p for p in progress if p["event"] == "progress" and p["group"] == "JX-A.10/genuine"]
    assert trial_lines[-1]["done"] == trial_lines[-1]["total"] == 6
    assert progress[-1]["event"] == "session" and progress[-1]["state"] == "finished"


def test_an_interrupted_run_resumes_without_repeating_finished_tests_or_trials(gaterig, python_dir, tmp_path):
    out = tmp_path / "run"
    env = dict(os.environ, GATERIG_PYPLUGIN_LONG="18")
    first = subprocess.Popen(certify(gaterig, out), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Wait (bounded) until the long group has journalled a few trials, then Ctrl-C the front door.
        deadline = time.monotonic() + 300
        journal = out / "journals" / "JX-A.15_long.jsonl"
        while time.monotonic() < deadline and first.poll() is None:
            if journal.is_file() and len(journal_trials(journal)) >= 3:
                break
            time.sleep(0.2)  # polling a file another process writes; the deadline bounds it
        assert first.poll() is None, first.communicate()
        first.send_signal(signal.SIGINT)
        _, err = first.communicate(timeout=180)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 130, err[-3000:]
    assert "--resume" in err
    done_before = journal_trials(journal)
    assert 3 <= len(done_before) < 18
    finished = out / "journals" / "JX-A.10_genuine.jsonl"
    finished_bytes = finished.read_bytes()
    for name in ("test_wire_counts", "test_figures_that_pass"):
        saved = list((out / "clauses").glob(f"*{name}.json"))
        assert saved and json.loads(saved[0].read_text())["status"] == "done"
    assert not list((out / "clauses").glob("*test_long_group.json")), "an interrupted test must not be saved"

    second = subprocess.run(certify(gaterig, out, "--resume"), env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 3, second.stderr[-3000:]
    log = (out / "pytest.log").read_text()
    assert "resumed: finished in an earlier session" in log
    # The finished test did not run again: its journal is byte for byte what it was.
    assert finished.read_bytes() == finished_bytes
    # The interrupted group continued: every trial once, the ones done before not again.
    after = journal_trials(journal)
    assert after[: len(done_before)] == done_before
    assert len(after) == len(set(after)) == 18
    doc, by_id = verdicts(out)
    assert doc["run"]["resumed"] is True
    assert by_id["JX-A.13"]["verdict"] == "PASS"  # from the saved result of the first session
    assert by_id["JX-A.18"]["verdict"] == "ERROR"
    rows = (out / "trials.csv").read_text().splitlines()
    assert len(rows) - 1 == 6 + 2 + 18  # JX-A.10 in test and liveness mode, the long group
