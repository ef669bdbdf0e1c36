"""`gaterig platform` as a terminal sees it, through an independent client written from SPEC.md:
every method of the national dialect signed and encrypted, the rejection paths with their
documented codes and the findings the admin endpoint shows for them, and the Jiangmen dialect."""
import base64
import json
import time

import pytest

from platform_client import (PROJECT_1, PROJECT_2, RunningPlatform, aes_decrypt, civil, des_decrypt,
                             synthetic_id, tiny_jpeg, timestamp, unique_number)


@pytest.fixture
def platform(spawn, gaterig, tmp_path):
    p = RunningPlatform(spawn, gaterig, str(tmp_path))
    yield p
    p.admin.close()


def ok(status, reply):
    assert status == 200, reply
    assert reply["code"] == 0, reply
    return reply["data"]


def enrolled(client, count=1):
    """Enrolls `count` fresh workers in project 1 and returns their ID numbers."""
    ids = [synthetic_id(unique_number() * 7 + 100_000) for _ in range(count)]
    client.enroll(PROJECT_1["code"], PROJECT_1["team"], ids)
    return ids


def finding_rules(platform, after=0):
    return {f["rule"] for f in platform.admin.findings(after)}


def last_finding_id(platform):
    rows = platform.admin.findings(0, 100000)
    return rows[-1]["id"] if rows else 0


def test_the_ready_line_names_ports_dialects_and_projects(platform):
    r = platform.ready
    assert r["port"] > 0 and r["admin_port"] > 0 and r["port"] != r["admin_port"]
    assert set(r["dialects"]) == {"national", "jiangmen"}
    assert {p["appid"] for p in r["projects"]} == {PROJECT_1["appid"], PROJECT_2["appid"]}


def test_project_and_team_queries_answer_with_this_appids_project(platform):
    c = platform.national()
    data = ok(*c.call("Project.Query", {"pageIndex": 0, "pageSize": 10}))
    assert [row["projectCode"] for row in data["rows"]] == [PROJECT_1["code"]]
    teams = ok(*c.call("Team.Query", {"projectCode": PROJECT_1["code"], "pageIndex": 0, "pageSize": 10}))
    assert PROJECT_1["team"] in [t["teamSysNo"] for t in teams["rows"]]


def test_team_add_is_asynchronous_and_its_result_can_be_polled(platform):
    c = platform.national()
    data = ok(*c.call("Team.Add", {"projectCode": PROJECT_1["code"], "teamName": "Scaffold team",
                                    "responsiblePersonName": "Li", "responsiblePersonIdNumber": c.enc(synthetic_id(9))}))
    serial = data["requestSerialCode"]
    result = ok(*c.call("AsyncHandleResult.Query", {"requestSerialCode": serial}))
    assert result["status"] == 20, result
    sys_no = json.loads(result["result"])["teamSysNo"]
    teams = ok(*c.call("Team.Query", {"projectCode": PROJECT_1["code"], "pageIndex": 0, "pageSize": 50}))
    assert sys_no in [t["teamSysNo"] for t in teams["rows"]]


def test_workers_are_enrolled_updated_and_queried_with_encrypted_id_numbers(platform):
    c = platform.national()
    (worker,) = enrolled(c)
    ok(*c.call("ProjectWorker.Update", {"projectCode": PROJECT_1["code"], "idCardType": "01",
                                        "idCardNumber": c.enc(worker), "workType": "020",
                                        "headImage": base64.b64encode(tiny_jpeg()).decode()}))
    data = ok(*c.call("ProjectWorker.Query", {"projectCode": PROJECT_1["code"], "idCardNumber": c.enc(worker),
                                              "pageIndex": 0, "pageSize": 10}))
    assert len(data["rows"]) == 1
    row = data["rows"][0]
    assert aes_decrypt(row["idCardNumber"], PROJECT_1["appsecret"]) == worker
    assert row["workType"] == "020"
    assert base64.b64decode(row["headImage"]) == tiny_jpeg()


def test_attendance_is_stored_once_queried_and_announced(platform):
    c = platform.national()
    (worker,) = enrolled(c)
    platform.admin.mark()
    when = time.time() - 60
    data = ok(*c.call("WorkerAttendance.Add", {
        "projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"],
        "dataList": [c.attendance(worker, when, "01", image=tiny_jpeg(2000), lng=115.85, lat=28.68),
                     c.attendance(worker, when + 1, "02")]}))
    assert data["requestSerialCode"]
    event = platform.admin.wait_event(kind="platform.record_accepted")
    assert event["payload"]["project"] == PROJECT_1["code"]
    assert worker not in json.dumps(event)  # ID numbers only masked on the timeline
    records = [r for r in platform.admin.all_records(with_id=True) if r.get("id_number") == worker]
    assert sorted(r["direction"] for r in records) == ["01", "02"]
    assert civil(when) in [r["date"] for r in records]
    day = civil(when, "%Y-%m-%d")
    q = ok(*c.call("WorkerAttendance.Query", {"projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"],
                                              "date": day, "pageIndex": 0, "pageSize": 100}))
    assert q["rowTotal"] >= 2
    # The same record again is acknowledged but not stored twice.
    again = ok(*c.call("WorkerAttendance.Add", {"projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"],
                                                "dataList": [c.attendance(worker, when, "01")]}))
    assert again.get("duplicateCount") == 1
    assert len([r for r in platform.admin.all_records(with_id=True) if r.get("id_number") == worker]) == 2


def test_entry_and_exit_are_stored_and_queried(platform):
    c = platform.national()
    (worker,) = enrolled(c)
    ok(*c.call("WorkerEntryExit.Add", {"projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"],
                                       "workerList": [{"idCardType": "01", "idCardNumber": c.enc(worker),
                                                       "date": civil(None, "%Y-%m-%d"), "type": "1"}]}))
    q = ok(*c.call("WorkerEntryExit.Query", {"projectCode": PROJECT_1["code"], "pageIndex": 0, "pageSize": 10}))
    assert q["rowTotal"] >= 1


# ---- rejections: the documented code, and a finding the rig can see ----------------------------

def attendance_with(c, worker, **fields):
    rec = c.attendance(worker, time.time() - 30)
    rec.update(fields)
    return {"projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"], "dataList": [rec]}


@pytest.mark.parametrize("case,expected_code,rule", [
    ("bad sign", -2, "sign-mismatch"),
    ("wrong secret", -2, "sign-mismatch"),
    ("missing field", -1, "field-missing"),
    ("bad direction", -1, "direction-code"),
    ("future date", -1, "date-in-future"),
    ("invalid ID", -1, "id-invalid"),
    ("plain ID", -1, "id-not-encrypted"),
    ("big image", -1, "image-too-large"),
    ("not an image", -1, "image-format"),
    ("stale timestamp", -2, "timestamp-window"),
    ("unknown project", -1, "project-unknown"),
    ("other appid's project", -3, "project-not-permitted"),
    ("unknown appid", -3, "appid-unknown"),
    ("unknown method", -1, "method-unknown"),
])
def test_a_bad_request_gets_its_code_and_a_finding(platform, case, expected_code, rule):
    c = platform.national()
    (worker,) = enrolled(c)
    before = last_finding_id(platform)
    add = "WorkerAttendance.Add"
    if case == "bad sign":
        status, reply = c.call(add, attendance_with(c, worker), sign="0" * 64)
    elif case == "wrong secret":
        status, reply = c.call(add, attendance_with(c, worker), secret="x" * 32)
    elif case == "missing field":
        status, reply = c.call(add, {"projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"],
                                     "dataList": [{"idCardType": "01", "idCardNumber": c.enc(worker), "direction": "01"}]})
    elif case == "bad direction":
        status, reply = c.call(add, attendance_with(c, worker, direction="03"))
    elif case == "future date":
        status, reply = c.call(add, attendance_with(c, worker, date=civil(time.time() + 3600)))
    elif case == "invalid ID":
        bad = worker[:-1] + ("0" if worker[-1] != "0" else "1")
        status, reply = c.call(add, attendance_with(c, worker, idCardNumber=c.enc(bad)))
    elif case == "plain ID":
        status, reply = c.call(add, attendance_with(c, worker, idCardNumber=worker))
    elif case == "big image":
        status, reply = c.call(add, attendance_with(c, worker, image=base64.b64encode(tiny_jpeg(60 * 1024)).decode()))
    elif case == "not an image":
        status, reply = c.call(add, attendance_with(c, worker, image=base64.b64encode(b"GIF89a....").decode()))
    elif case == "stale timestamp":
        status, reply = c.call(add, attendance_with(c, worker), timestamp=timestamp(time.time() - 3600))
    elif case == "unknown project":
        body = attendance_with(c, worker)
        body["projectCode"] = "999999202401019999"
        status, reply = c.call(add, body)
    elif case == "other appid's project":
        body = attendance_with(c, worker)
        body["projectCode"] = PROJECT_2["code"]
        status, reply = c.call(add, body)
    elif case == "unknown appid":
        status, reply = c.call(add, attendance_with(c, worker), appid="nobody")
    elif case == "unknown method":
        status, reply = c.call("Worker.Teleport", {})
    assert status == 200, reply
    assert reply["code"] == expected_code, reply
    assert rule in finding_rules(platform, before), (case, platform.admin.findings(before))
    assert not [r for r in platform.admin.all_records(with_id=True) if r.get("id_number") == worker]


def test_a_replayed_nonce_is_refused(platform):
    c = platform.national()
    (worker,) = enrolled(c)
    fields = c.form("WorkerAttendance.Add", attendance_with(c, worker))
    assert ok(*c.post_form(fields)) is not None
    before = last_finding_id(platform)
    status, reply = c.post_form(fields)  # byte for byte the same request
    assert status == 200 and reply["code"] == -2, reply
    assert "nonce-reused" in finding_rules(platform, before)
    event = platform.admin.wait_event(kind="platform.replay_refused")
    assert event["payload"]["reason"] == "nonce-reused"


def test_findings_are_on_the_timeline_as_they_happen(platform):
    c = platform.national()
    platform.admin.mark()
    c.call("Project.Query", {"pageIndex": 0, "pageSize": 10}, sign="f" * 64)
    event = platform.admin.wait_event(kind="platform.finding")
    assert event["payload"]["rule"] == "sign-mismatch"
    reply = platform.admin.wait_event(kind="platform.reply_sent")
    assert reply["payload"]["code"] == -2 and reply["payload"]["status"] == 200


# ---- the Jiangmen dialect -----------------------------------------------------------------------

def test_jiangmen_attendance_reaches_the_same_store(platform):
    national = platform.national()
    (worker,) = enrolled(national)  # enrolment through either dialect serves both
    j = platform.jiangmen()
    status, reply = j.call("/api/WorkerAttendance/Add", {"dataList": [j.attendance(worker, time.time() - 20)]})
    assert status == 200 and reply["code"] == 0, reply
    assert reply["data"]["successCount"] == 1
    records = [r for r in platform.admin.all_records(with_id=True) if r.get("id_number") == worker]
    assert len(records) == 1 and records[0]["dialect"] == "jiangmen"
    status, reply = j.call("/api/ProjectWorker/Query", {"teamSysNo": PROJECT_1["team"], "pageIndex": 0, "pageSize": 100})
    assert status == 200 and reply["code"] == 0, reply
    assert worker in [des_decrypt(r["identityCode"], PROJECT_1["jiangmen_key"]) for r in reply["data"]["rows"]]


def test_jiangmen_rejects_a_bad_sign_and_an_unknown_token(platform):
    j = platform.jiangmen()
    before = last_finding_id(platform)
    status, reply = j.call("/api/ProjectWorker/Query", {"pageIndex": 0, "pageSize": 10}, sign="0" * 32)
    assert status == 200 and reply["code"] == -2, reply
    status, reply = j.call("/api/ProjectWorker/Query", {"pageIndex": 0, "pageSize": 10}, token="nobody")
    assert status == 200 and reply["code"] == -3, reply
    assert {"sign-mismatch", "appid-unknown"} <= finding_rules(platform, before)


def test_the_summary_on_stop_counts_requests_records_and_findings(platform):
    c = platform.national()
    (worker,) = enrolled(c)
    ok(*c.call("WorkerAttendance.Add", attendance_with(c, worker)))
    c.call("Project.Query", {}, sign="bad")
    c.close()
    code, summary, err = platform.stop()
    assert code == 0, err
    assert summary["records_accepted"] == 1
    assert summary["findings"] >= 1
    assert summary["by_method"]["WorkerAttendance.Add"]["codes"]["0"] == 1
    assert summary["by_method"]["Project.Query"]["codes"]["-2"] == 1
    assert "records accepted 1" in err
