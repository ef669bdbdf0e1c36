"""`gaterig rig check` from outside: the sim rig answers, a bad description names file:line:key,
and nothing is left running afterwards. Needs GATERIG_EXE (ctest sets it)."""
import json
import os
import subprocess

import pytest

GATERIG = os.environ.get("GATERIG_EXE")
SOURCE = os.environ.get("GATERIG_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))

pytestmark = pytest.mark.skipif(not GATERIG, reason="set GATERIG_EXE to the gaterig executable")


def running_with(text):
    """Processes whose command line mentions `text`."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def test_sim_rig_check_answers_and_leaves_nothing_running(tmp_path):
    work = tmp_path / "work"
    out = subprocess.run([GATERIG, "--log-level", "warn", "rig", "check", "--rig", os.path.join(SOURCE, "rigs/sim.toml"),
                          "--json", "--work-dir", str(work)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] is True
    names = {r["name"]: r for r in report["resources"]}
    assert set(names) == {"platform", "bench", "display", "wiegand", "terminal", "fixtures"}
    assert all(r["ok"] for r in names.values()), report
    assert names["bench"]["detail"]["lux"]["lux"] > 100
    assert names["terminal"]["detail"]["identity"]["model"]
    assert report["rig"]["kind"] == "sim" and len(report["rig"]["sha256"]) == 64
    assert running_with(str(work)) == []


def test_bad_description_names_file_line_and_key(tmp_path):
    rig = tmp_path / "bad.toml"
    rig.write_text('[rig]\nname = "x"\n[fixtures.synth]\npersons = 1\n[terminal]\nmode = "sleepy"\n')
    out = subprocess.run([GATERIG, "rig", "check", "--rig", str(rig)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert f"{rig}:6: key 'terminal.mode'" in out.stderr, out.stderr


def test_unreachable_real_bench_is_a_rig_error(tmp_path):
    out = subprocess.run([GATERIG, "--log-level", "off", "rig", "check", "--rig",
                          os.path.join(SOURCE, "rigs/real-bench.example.toml"), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 3, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] is False and report["error"]
