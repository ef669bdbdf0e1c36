"""`gaterig selftest` end to end, as a lab engineer runs it before trusting the rig."""
import json
import subprocess


def run(gaterig, *args, timeout=180):
    return subprocess.run([gaterig, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def test_every_check_passes_and_the_json_says_so(gaterig, tmp_path):
    r = run(gaterig, "selftest", "--out", tmp_path, "--records", 30, "--frames", 20, "--seed", 7)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads((tmp_path / "selftest.json").read_text())
    assert doc["schema"] == "gaterig.selftest/1"
    assert doc["outcome"] == "PASS" and doc["seed"] == 7
    names = [c["name"] for c in doc["checks"]]
    assert names == ["platform.reconcile", "wiegand.loopback", "bench.modbus", "monitor.link"]
    for check in doc["checks"]:
        assert check["outcome"] == "PASS", check
        assert check["measurements"], check["name"]
        for m in check["measurements"]:
            assert m["ok"] and m["unit"], m
    platform = {m["name"]: m["value"] for m in doc["checks"][0]["measurements"]}
    assert platform["passes made"] == 30
    assert platform["lost"] == 0 and platform["stored twice"] == 0 and platform["invented"] == 0
    assert platform["queued while offline"] >= 1
    # The table a person reads names every check and its verdict.
    for name in names:
        assert f"PASS  {name}" in r.stdout


def test_json_mode_prints_one_document(gaterig, tmp_path):
    r = run(gaterig, "selftest", "--out", tmp_path, "--only", "bench,monitor", "--frames", 5, "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [c["name"] for c in doc["checks"]] == ["bench.modbus", "monitor.link"]


def test_an_unknown_check_is_a_usage_error(gaterig, tmp_path):
    r = run(gaterig, "selftest", "--out", tmp_path, "--only", "teleport")
    assert r.returncode == 2
    assert "teleport" in r.stderr
