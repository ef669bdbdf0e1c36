"""`gaterig bench sim` and the Modbus client commands, driven from outside as an engineer would."""
import json
import signal
import subprocess

import pytest


def run(gaterig, *args, timeout=30):
    return subprocess.run([gaterig, *map(str, args)], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def bench(gaterig, spawn, tmp_path):
    """A running simulated bench on an ephemeral port; yields (process, ready line)."""
    monitor = tmp_path / "monitor.sock"
    p = spawn(gaterig, "bench", "sim", "--json", "--events", "--fps", "0", "--seed", "7",
              "--monitor", monitor)
    ready = p.wait_json_line(lambda o: o.get("event") == "ready")
    yield p, ready


def tcp(ready):
    return f"127.0.0.1:{ready['modbus']['port']}"


def test_ready_line_names_the_modbus_port_units_and_monitor(bench, tmp_path):
    _, ready = bench
    assert ready["modbus"]["port"] > 0
    assert ready["modbus"]["units"] == {"light": 1, "lux": 2, "relay": 3}
    assert ready["monitor"]["path"] == str(tmp_path / "monitor.sock")
    assert ready["seed"] == 7


def test_lux_follows_the_light_set_by_hand(gaterig, bench):
    _, ready = bench
    normal = json.loads(run(gaterig, "bench", "lux", "--tcp", tcp(ready), "--json").stdout)
    assert normal["readings"][0]["lux"] == pytest.approx(500, abs=15)
    r = run(gaterig, "bench", "light", "--tcp", tcp(ready), "--channel", 0, "--set", 1000, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["levels"] == [1000, 0, 1000, 0]
    strong = json.loads(run(gaterig, "bench", "lux", "--tcp", tcp(ready), "--count", 3, "--json").stdout)
    assert len(strong["readings"]) == 3
    assert all(x["lux"] == pytest.approx(2000, abs=60) and x["valid"] for x in strong["readings"])


def test_human_output_is_readable(gaterig, bench):
    _, ready = bench
    r = run(gaterig, "bench", "light", "--tcp", tcp(ready))
    assert r.returncode == 0
    assert "front 0, back 0, ambient 1000, spare 0 per mille" in r.stdout


def test_switching_an_outlet_is_announced_by_the_simulated_bench(gaterig, bench):
    p, ready = bench
    r = run(gaterig, "bench", "power", "--tcp", tcp(ready), "--outlet", 2, "--off", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["outlets"] == [True, True, False, True]
    ev = p.wait_json_line(lambda o: o.get("event") == "bench"
                          and o["data"]["kind"] == "bench.outlet_changed")
    assert ev["data"]["payload"] == {"outlet": 2, "on": False, "cause": "coil"}


def test_a_refused_value_is_a_rig_error_naming_unit_and_register(gaterig, bench):
    _, ready = bench
    r = run(gaterig, "bench", "light", "--tcp", tcp(ready), "--unit", 9)
    assert r.returncode == 3
    assert "unit 9" in r.stderr and "holding register 0" in r.stderr and "exception 11" in r.stderr


def test_an_injected_fault_fires_announces_itself_and_the_client_reports_it(gaterig, spawn, tmp_path):
    p = spawn(gaterig, "bench", "sim", "--json", "--events", "--fps", "0", "--fault", "exception:4@2x1",
              "--monitor", tmp_path / "m.sock")
    ready = p.wait_json_line(lambda o: o.get("event") == "ready")
    assert ready["faults"] == ["exception:4@2x1"]
    r = run(gaterig, "bench", "lux", "--tcp", tcp(ready), "--json")
    assert r.returncode == 3
    assert json.loads(r.stdout.splitlines()[0])["exception_code"] == 4
    ev = p.wait_json_line(lambda o: o.get("event") == "bench" and o["data"]["kind"] == "bench.fault")
    assert ev["data"]["payload"]["fault"] == "exception:4@2x1"
    assert run(gaterig, "bench", "lux", "--tcp", tcp(ready)).returncode == 0  # used up


def test_a_silent_device_times_out_after_the_retries(gaterig, spawn, tmp_path):
    p = spawn(gaterig, "bench", "sim", "--json", "--fps", "0", "--fault", "drop:1", "--monitor", tmp_path / "m.sock")
    ready = p.wait_json_line(lambda o: o.get("event") == "ready")
    r = run(gaterig, "bench", "power", "--tcp", tcp(ready), "--timeout", 100, "--retries", 1)
    assert r.returncode == 3
    assert "after 2 attempt(s)" in r.stderr and "unit 3: read coil 0" in r.stderr


def test_summary_on_sigterm_counts_the_requests(gaterig, bench):
    p, ready = bench
    run(gaterig, "bench", "lux", "--tcp", tcp(ready), "--count", 4)
    code, out, _ = p.stop(signal.SIGTERM)
    assert code == 0
    summary = [json.loads(l) for l in out.splitlines() if l.startswith("{") and '"summary"' in l][0]
    assert summary["signal"] == signal.SIGTERM
    assert summary["modbus"]["requests"] >= 4
    assert summary["light"]["ambient"] == 1000


def test_the_monitor_shows_frames_while_the_bench_runs(gaterig, spawn, tmp_path):
    sock = tmp_path / "m.sock"
    p = spawn(gaterig, "bench", "sim", "--json", "--fps", "20", "--size", "64x48", "--monitor", sock)
    p.wait_json_line(lambda o: o.get("event") == "ready")
    import socket
    import struct
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(str(sock))
    header = b""
    while len(header) < 32:
        header += s.recv(32 - len(header))
    magic, version, channels, rows, cols, seq, published = struct.unpack("=IHHIIQq", header)
    s.close()
    assert (magic, version, channels, rows, cols) == (0x464D5247, 1, 3, 48, 64)
    assert seq >= 1 and published > 0


def test_usage_errors_exit_2(gaterig):
    assert run(gaterig, "bench", "lux").returncode == 2  # neither --tcp nor --rtu
    assert run(gaterig, "bench", "lux", "--tcp", "nohost").returncode == 2
    assert run(gaterig, "bench", "sim", "--fault", "slow:3").returncode == 2
    assert run(gaterig, "bench", "light", "--tcp", "127.0.0.1:1", "--set", 5).returncode == 2  # needs --channel
