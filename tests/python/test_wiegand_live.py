"""`gaterig probe wiegand` capturing the virtual wire live while `gaterig probe wiegand-send`
transmits, as the simulated terminal will; recording and replaying what was captured."""
import json
import signal
import subprocess

# A sender on a busy machine without real-time priority can be preempted mid-pulse; the frame
# then carries an honest timing finding. The content must survive regardless.
TIMING = {"pulse-too-long", "interval-too-long"}


def content_findings(frame):
    return [f["rule"] for f in frame["findings"] if f["rule"] not in TIMING]


def send(gaterig, wire, *args):
    return subprocess.run([gaterig, "probe", "wiegand-send", "--virtual-wire", str(wire), *args],
                          capture_output=True, text=True, timeout=60)


def start_capture(spawn, gaterig, wire, *args):
    p = spawn(gaterig, "probe", "wiegand", "--virtual-wire", wire, "--json", *args)
    p.wait_line(lambda l: "capturing from virtual wire" in l, stream="stderr")
    return p


def test_live_capture_decodes_what_the_sender_sent(spawn, gaterig, tmp_path):
    wire = tmp_path / "wire.sock"
    trace = tmp_path / "rec.jsonl"
    p = start_capture(spawn, gaterig, wire, "--count", "3", "--record", trace)
    assert send(gaterig, wire, "--facility", "12", "--card", "3456").returncode == 0
    assert send(gaterig, wire, "--format", "wg34", "--data", "3405705229", "--width-us", "20",
                "--interval-us", "200").returncode == 0
    assert send(gaterig, wire, "--bits", "10110").returncode == 0
    frames = [p.wait_json_line() for _ in range(3)]
    assert (frames[0]["format"], frames[0]["facility"], frames[0]["card"]) == ("wg26", 12, 3456)
    assert content_findings(frames[0]) == [], frames[0]
    assert content_findings(frames[1]) == [], frames[1]
    assert (frames[1]["format"], frames[1]["data"]) == ("wg34", 3405705229)
    assert frames[2]["bits"] == "10110"
    assert content_findings(frames[2]) == ["unknown-length"]
    # --count 3 reached: it exits by itself.
    p.proc.wait(timeout=20)
    code, _, err = p.stop()  # already exited: collects the output without signalling
    assert code == 0, err
    assert "3 frames" in err
    # The recording replays to the same frames.
    run = subprocess.run([gaterig, "probe", "wiegand", "--replay", trace, "--json"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    replayed = [json.loads(l) for l in run.stdout.splitlines()]
    assert replayed == frames


def test_sigterm_stops_an_open_ended_capture_with_a_summary(spawn, gaterig, tmp_path):
    wire = tmp_path / "wire.sock"
    p = start_capture(spawn, gaterig, wire)
    assert send(gaterig, wire, "--card", "7", "--repeat", "2", "--gap-ms", "30").returncode == 0
    assert p.wait_json_line()["card"] == 7
    assert p.wait_json_line()["card"] == 7
    code, _, err = p.stop(signal.SIGTERM)
    assert code == 0, err
    assert "gaterig probe wiegand: 2 frames (" in err
    assert "stopped" in err
    assert not wire.exists(), "the receiver removes its socket on exit"


def test_sigint_before_the_count_is_reached_exits_130(spawn, gaterig, tmp_path):
    p = start_capture(spawn, gaterig, tmp_path / "wire.sock", "--count", "5")
    code, _, _ = p.stop(signal.SIGINT)
    assert code == 130


def test_sending_with_nobody_listening_is_a_rig_error(gaterig, tmp_path):
    run = send(gaterig, tmp_path / "nobody.sock", "--card", "1")
    assert run.returncode == 3
    assert "no receiver" in run.stderr


def test_a_second_receiver_on_the_same_wire_is_refused(spawn, gaterig, tmp_path):
    wire = tmp_path / "wire.sock"
    start_capture(spawn, gaterig, wire)
    run = subprocess.run([gaterig, "probe", "wiegand", "--virtual-wire", str(wire), "--count", "1"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 3
    assert "already has a receiver" in run.stderr


def test_gpio_capture_without_a_chip_is_a_clear_rig_error(gaterig):
    run = subprocess.run([gaterig, "probe", "wiegand", "--chip", "gaterig-no-such-chip", "--d0", "0",
                          "--d1", "1", "--count", "1"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 3
    assert "cannot open GPIO chip 'gaterig-no-such-chip'" in run.stderr
    run = subprocess.run([gaterig, "probe", "wiegand", "--chip", "x"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 2
    assert "--d0" in run.stderr + run.stdout
