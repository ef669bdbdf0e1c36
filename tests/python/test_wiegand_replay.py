"""Replays the independent Wiegand traces (tests/wiegand/traces, written from SPEC.md by
make_traces.py) through `gaterig probe wiegand --replay --json`: every good frame decoded with the
right facility and card, every bad one flagged with exactly the expected findings, nothing invented.
"""
import json
import pathlib
import subprocess

import pytest

TRACES = pathlib.Path(__file__).resolve().parents[1] / "wiegand" / "traces"
CASES = sorted(p.name[: -len(".expect.json")] for p in TRACES.glob("*.expect.json"))
MALFORMED = sorted(p.name[: -len(".expect.json")] for p in (TRACES / "malformed").glob("*.expect.json"))


def replay(gaterig, trace, *extra):
    return subprocess.run([gaterig, "probe", "wiegand", "--replay", str(trace), "--json", *extra],
                          capture_output=True, text=True, timeout=60)


def test_there_are_traces_to_replay():
    assert len(CASES) >= 15, CASES
    assert len(MALFORMED) >= 4, MALFORMED


@pytest.mark.parametrize("name", CASES)
def test_replayed_trace_matches_its_expectation(gaterig, name):
    expected = json.loads((TRACES / f"{name}.expect.json").read_text())["frames"]
    run = replay(gaterig, TRACES / f"{name}.jsonl")
    assert run.returncode == 0, run.stderr
    frames = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert len(frames) == len(expected), (
        f"{name}: {len(frames)} frames decoded, {len(expected)} expected:\n{run.stdout}")
    for i, (got, want) in enumerate(zip(frames, expected), start=1):
        where = f"{name} frame {i}: {json.dumps(got)}"
        assert got["index"] == i, where
        assert got["format"] == want["format"], where
        assert got["facility"] == want["facility"], where
        assert got["card"] == want["card"], where
        if "bit_count" in want:
            assert got["bit_count"] == want["bit_count"], where
        if "data" in want:
            assert got["data"] == want["data"], where
        assert sorted(f["rule"] for f in got["findings"]) == want["findings"], where
        assert got["ok"] == (not want["findings"]), where
        assert all(f["message"] for f in got["findings"]), where
        assert got["bit_count"] == len(got["bits"]), where
        assert got["first_edge_ns"] <= got["last_edge_ns"], where


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_trace_exits_2_naming_file_and_line(gaterig, name):
    line = json.loads((TRACES / "malformed" / f"{name}.expect.json").read_text())["line"]
    trace = TRACES / "malformed" / f"{name}.jsonl"
    run = replay(gaterig, trace)
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert f"{trace}:{line}:" in run.stderr, run.stderr


def test_a_missing_trace_is_a_usage_error(gaterig, tmp_path):
    run = replay(gaterig, tmp_path / "nope.jsonl")
    assert run.returncode == 2
    assert "nope.jsonl" in run.stderr


def test_human_output_names_cards_and_findings(gaterig):
    run = subprocess.run([gaterig, "probe", "wiegand", "--replay", str(TRACES / "bad_parity.jsonl")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "#2 WG26 facility 16 card 100 (26 bits" in run.stdout
    assert "! parity-odd-bad: odd parity fails over bits 14-26" in run.stdout
    assert "3 frames (0 without findings)" in run.stderr
    assert "parity-odd-bad: 2" in run.stderr


def test_forced_format_and_silence_options_change_the_decoding(gaterig):
    run = replay(gaterig, TRACES / "good_wg34.jsonl", "--format", "wg26")
    frames = [json.loads(line) for line in run.stdout.splitlines()]
    assert [f["format"] for f in frames] == ["raw"] * 3
    assert all([x["rule"] for x in f["findings"]] == ["unknown-length"] for f in frames)
    # With 300 ms of silence the 1 Hz frames stay apart but the 10 Hz ones merge into one.
    run = replay(gaterig, TRACES / "rates_1hz_to_10hz.jsonl", "--silence-ms", "300")
    assert len(run.stdout.splitlines()) == 4


def test_count_stops_a_replay_early(gaterig):
    run = replay(gaterig, TRACES / "back_to_back_min_gap.jsonl", "--count", "3")
    assert run.returncode == 0
    assert [json.loads(l)["card"] for l in run.stdout.splitlines()] == [1000, 1001, 1002]
