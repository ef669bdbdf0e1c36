"""The `errors=` of a scenario's record_rate / record_latency (trials the rig could not run, left
out of `trials`) reaches the results document as the measurement's `rig_errors`, with a note; the
document's `errors` stays what the standard counts against the limit (docs/results-schema.md).

Needs the Python module built beside the gaterig binary (<build>/python/gaterig)."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
STANDARD = ROOT / "scenarios" / "standards" / "jiangxi-2022.toml"

SCRIPT = r"""
import json, sys
import gaterig
from gaterig.pytest_plugin import ClauseRecorder
standard = gaterig.Standard.load(sys.argv[1])
r = ClauseRecorder("JX-A.17", "t::x")
r.record_rate("qr_read_rate", 9, 10, condition="qr", errors=2)
r.record_count("qr_invalid_accepted", 0, examined=6)
clauses = gaterig.evaluate(standard, [{"clause": r.id, "measurements": r.measurements, "error": None}],
                           quick=True, seed=1)
doc = {"schema": "gaterig.results/1",
       "run": {"id": "00000000-0000-4000-8000-000000000000", "started": "2026-11-21T10:00:00+08:00",
               "ended": "2026-11-21T10:01:00+08:00", "quick": True, "seed": 1, "gaterig_version": "test",
               "command": "test", "resumed": False},
       "lab": {"name": "", "address": "", "accreditation": ""},
       "rig": {"name": "sim", "kind": "sim", "description": "rigs/sim.toml", "sha256": "",
               "calibration": {"panel_latency_ms": None, "photon_method": "", "due": ""}},
       "standard": {"id": standard.id, "title": standard.title, "version": standard.version, "sha256": standard.sha256},
       "terminal": {"vendor": "", "model": "", "firmware_version": "", "firmware_hash": "", "serial": ""},
       "fixture_set": {"name": "", "source": "", "persons": 0, "impostors": 0, "presentations": 0, "manifest_sha256": ""},
       "clauses": clauses, "environment": {"lux": [], "temperature_c": None}, "trial_groups": [], "evidence": []}
results = gaterig.ResultsDocument.from_json(doc)
results.write(sys.argv[2])
print(json.dumps([c for c in clauses if c["id"] == "JX-A.17"][0]["measurements"]))
"""


@pytest.fixture(scope="module")
def python_dir(gaterig):
    build = pathlib.Path(os.environ.get("GATERIG_BUILD_DIR") or pathlib.Path(gaterig).parent)
    path = build / "python"
    if not (path / "gaterig" / "__init__.py").is_file():
        pytest.skip(f"the gaterig Python package is not built at {path} (build target gaterig_python)")
    return path


def test_rig_errors_of_a_rate_reach_results_json(python_dir, tmp_path):
    out = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(STANDARD), str(out)], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(python_dir)), timeout=60)
    if run.returncode != 0 and "standard" in run.stderr and "not built" in run.stderr:
        pytest.skip(run.stderr[-300:])
    assert run.returncode == 0, run.stderr[-2000:]
    doc = json.loads(out.read_text())
    a17 = [c for c in doc["clauses"] if c["id"] == "JX-A.17"][0]
    by_name = {m["name"]: m for m in a17["measurements"]}
    rate = by_name["qr_read_rate"]
    assert rate["rig_errors"] == 2 and rate["trials"] == 10, rate
    assert rate["errors"] == 1, "errors: the misses counted against the >= limit, as before"
    assert any("2 trial(s) the rig could not run" in n for n in rate["notes"]), rate["notes"]
    count = by_name["qr_invalid_accepted"]
    assert count["rig_errors"] == 0 and not any("could not run" in n for n in count["notes"]), count
