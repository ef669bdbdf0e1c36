"""Each fault mode of `gaterig platform` as a terminal sees it, switched over the admin port or
set at start with --fault, and the command line's own behaviour (help, errors, exit codes)."""
import http.client
import socket
import subprocess
import threading
import time

import pytest

from platform_client import (PROJECT_1, RunningPlatform, free_port_is_refused, synthetic_id,
                             unique_number)


@pytest.fixture
def platform(spawn, gaterig, tmp_path):
    p = RunningPlatform(spawn, gaterig, str(tmp_path))
    yield p
    p.admin.close()


def enrolled(client):
    worker = synthetic_id(unique_number() * 11 + 200_000)
    client.enroll(PROJECT_1["code"], PROJECT_1["team"], [worker])
    return worker


def attendance(client, worker, when=None):
    return {"projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"],
            "dataList": [client.attendance(worker, when or time.time() - 30)]}


def stored(platform, worker):
    return [r for r in platform.admin.all_records(with_id=True) if r.get("id_number") == worker]


def test_refuse_closes_the_port_and_up_reopens_the_same_port(platform):
    c = platform.national()
    assert c.call("Project.Query", {})[0] == 200
    platform.admin.mark()
    platform.admin.set_fault("refuse")
    platform.admin.wait_event(kind="platform.listener_closed")
    assert free_port_is_refused("127.0.0.1", platform.port)
    with pytest.raises(OSError):  # the kept-alive connection went with the server
        c.call("Project.Query", {})
    platform.admin.set_fault("up")
    platform.admin.wait_event(kind="platform.listening")
    status, reply = c.call("Project.Query", {})
    assert status == 200 and reply["code"] == 0


def test_blackhole_reads_the_request_and_never_answers(platform):
    c = platform.national(timeout=1.0)
    worker = enrolled(c)
    platform.admin.mark()
    platform.admin.set_fault("blackhole")
    with pytest.raises(socket.timeout):
        c.call("WorkerAttendance.Add", attendance(c, worker))
    fired = platform.admin.wait_event(kind="platform.fault_fired")
    assert fired["payload"]["fault"]["mode"] == "blackhole"
    assert fired["payload"]["api_method"] == "WorkerAttendance.Add"
    assert stored(platform, worker) == []  # never reached the platform
    platform.admin.set_fault("up")
    status, reply = c.call("WorkerAttendance.Add", attendance(c, worker))
    assert status == 200 and reply["code"] == 0


def test_blackhole_holds_the_connection_open(platform):
    platform.admin.set_fault("blackhole")
    s = socket.create_connection(("127.0.0.1", platform.port), timeout=5)
    s.sendall(b"POST /open.api HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
    platform.admin.wait_event(kind="platform.fault_fired")
    s.settimeout(0.3)
    with pytest.raises(socket.timeout):  # neither a reply nor a close
        s.recv(100)
    platform.admin.set_fault("up")
    s.settimeout(10)
    assert s.recv(100) == b""  # lifting the fault lets go of it
    s.close()


@pytest.mark.parametrize("http_status", [503, 500])
def test_error_answers_code_minus_5_without_storing(platform, http_status):
    c = platform.national()
    worker = enrolled(c)
    platform.admin.set_fault("error", http_status=http_status)
    status, reply = c.call("WorkerAttendance.Add", attendance(c, worker))
    assert status == http_status
    assert reply["code"] == -5
    assert stored(platform, worker) == []


def test_slow_delays_the_reply_but_not_other_terminals(platform):
    slow = platform.national(timeout=10)
    fast = platform.national(timeout=10)
    worker = enrolled(slow)
    platform.admin.set_fault("slow", delay_ms=1500)
    done = {}

    def upload():
        t0 = time.monotonic()
        done["reply"] = slow.call("WorkerAttendance.Add", attendance(slow, worker))
        done["seconds"] = time.monotonic() - t0
        done["at"] = time.monotonic()

    t = threading.Thread(target=upload)
    t.start()
    platform.admin.wait_event(kind="platform.fault_fired")
    platform.admin.set_fault("up")
    status, _ = fast.call("Project.Query", {})
    fast_done = time.monotonic()
    t.join(20)
    assert status == 200
    assert done["reply"][0] == 200 and done["reply"][1]["code"] == 0
    assert done["seconds"] >= 1.5
    assert fast_done < done["at"]


def test_ack_lost_stores_the_record_so_a_retry_is_a_duplicate(platform):
    c = platform.national()
    worker = enrolled(c)
    when = time.time() - 45
    platform.admin.set_fault("ack-lost")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        c.call("WorkerAttendance.Add", attendance(c, worker, when))
    assert len(stored(platform, worker)) == 1  # the platform has it although the terminal never heard
    platform.admin.set_fault("up")
    # An idempotent retry (fresh nonce and timestamp, same record) is acknowledged, not stored again.
    status, reply = c.call("WorkerAttendance.Add", attendance(c, worker, when))
    assert status == 200 and reply["code"] == 0, reply
    assert reply["data"].get("duplicateCount") == 1
    assert len(stored(platform, worker)) == 1
    assert platform.admin.fault()["fired"]["ack-lost"] == 1


def test_a_bad_fault_over_admin_names_the_field_and_changes_nothing(platform):
    platform.admin.set_fault("slow", delay_ms=100)
    status, reply = platform.admin.put_fault_raw('{"mode":"slow","delay_ms":"later"}')
    assert status == 400 and "'delay_ms'" in reply["error"]
    status, reply = platform.admin.put_fault_raw('{"mode":"dozing"}')
    assert status == 400 and "'mode'" in reply["error"]
    assert platform.admin.fault()["fault"] == {"mode": "slow", "delay_ms": 100, "probability": 1.0}


def test_fault_with_probability_at_start_prints_its_seed_and_fires_sometimes(spawn, gaterig, tmp_path):
    p = RunningPlatform(spawn, gaterig, str(tmp_path), args=["--fault", "error,p=0.5,seed=1234"])
    assert p.ready["fault"] == {"mode": "error", "http_status": 503, "probability": 0.5, "seed": 1234}
    c = p.national()
    statuses = [c.call("Project.Query", {})[0] for _ in range(40)]
    assert 5 < statuses.count(503) < 35
    assert statuses.count(503) + statuses.count(200) == 40
    code, summary, _ = p.stop()
    assert code == 0
    assert summary["faults_fired"]["error"] == statuses.count(503)


def test_refuse_at_start_still_prints_the_ready_line(spawn, gaterig, tmp_path):
    p = RunningPlatform(spawn, gaterig, str(tmp_path), args=["--fault", "refuse"])
    assert free_port_is_refused("127.0.0.1", p.port)
    p.admin.mark()
    p.admin.set_fault("up")
    p.admin.wait_event(kind="platform.listening")
    assert p.national().call("Project.Query", {})[0] == 200


def test_sigint_and_sigterm_stop_it_with_exit_0_and_a_summary(spawn, gaterig, tmp_path):
    import signal
    for sig in (signal.SIGINT, signal.SIGTERM):
        p = RunningPlatform(spawn, gaterig, str(tmp_path / sig.name))
        code, summary, err = p.stop(sig)
        assert code == 0, err
        assert summary["event"] == "summary"
        assert "stopped after" in err


def test_help_explains_every_flag(gaterig):
    out = subprocess.run([gaterig, "platform", "--help"], capture_output=True, text=True, timeout=30).stdout
    for flag in ("--config", "--bind", "--port", "--admin-port", "--store", "--fault", "--handler-threads"):
        assert flag in out


def test_configuration_errors_exit_2_naming_the_problem(gaterig, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[platform]\nstore = "s.db"\n[platform.server]\nprot = 8080\n')
    r = subprocess.run([gaterig, "platform", "--config", str(bad)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "prot" in r.stderr
    good = tmp_path / "good.toml"
    good.write_text('[platform]\nstore = "s.db"\n')
    r = subprocess.run([gaterig, "platform", "--config", str(good), "--fault", "sluggish"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "sluggish" in r.stderr


def test_a_port_in_use_exits_3_naming_the_address(spawn, gaterig, tmp_path):
    p = RunningPlatform(spawn, gaterig, str(tmp_path / "first"))
    (tmp_path / "second").mkdir()
    with open(tmp_path / "second" / "platform.toml", "w") as f:
        f.write(open(p.config).read())
    r = subprocess.run([gaterig, "platform", "--config", str(tmp_path / "second" / "platform.toml"),
                        "--store", str(tmp_path / "second" / "s.db"), "--port", str(p.port)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 3
    assert f"127.0.0.1:{p.port}" in r.stderr
