#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_platform_request (tests/fuzz/corpus/platform/).

Each seed is: mode byte, pick byte, payload (see fuzz_platform_request.cpp). The ID number and
keys match the fuzz target's world. Run from anywhere: python3 tests/fuzz/make_platform_seeds.py
"""
import base64
import json
import pathlib
import warnings

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SECRET = b"0123456789abcdef0123456789abcdef"
DES_KEY = b"k8bytes1"
ID = "11010519491231002X"
OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "platform"
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"j" * 60).decode()
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"p" * 60).decode()


def aes(text):
    p = padding.PKCS7(128).padder()
    data = p.update(text.encode()) + p.finalize()
    e = Cipher(algorithms.AES(SECRET), modes.CBC(SECRET[:16])).encryptor()
    return base64.b64encode(e.update(data) + e.finalize()).decode()


def des(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = padding.PKCS7(64).padder()
        data = p.update(text.encode()) + p.finalize()
        algo = algorithms.TripleDES(DES_KEY)  # an 8-byte key is single DES
        e = Cipher(algo, modes.CBC(DES_KEY)).encryptor()
        return base64.b64encode(e.update(data) + e.finalize()).decode()


METHODS = ["Project.Query", "Team.Add", "Team.Query", "ProjectWorker.Add", "ProjectWorker.Update",
           "ProjectWorker.Query", "WorkerAttendance.Add", "WorkerAttendance.Query",
           "WorkerEntryExit.Add", "WorkerEntryExit.Query", "AsyncHandleResult.Query"]


def seed(name, mode, pick, payload):
    (OUT / name).write_bytes(bytes([mode, pick]) + payload.encode())


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rec = {"idCardType": "01", "idCardNumber": aes(ID), "date": "2024-05-01 08:00:00",
           "direction": "01", "image": JPEG, "channel": "g1", "attendType": "001",
           "lng": 113.1, "lat": "22.5"}
    m = METHODS.index
    seed("national-attendance-add", 1, m("WorkerAttendance.Add"), json.dumps(
        {"projectCode": "P1", "teamSysNo": "1000000001",
         "dataList": [rec, dict(rec, direction="02", date="2024-05-01 18:00:00")]}))
    seed("national-attendance-query", 1, m("WorkerAttendance.Query"), json.dumps(
        {"projectCode": "P1", "date": "2024-05-01", "pageIndex": 0, "pageSize": 10}))
    seed("national-worker-add", 1, m("ProjectWorker.Add"), json.dumps(
        {"projectCode": "P1", "teamSysNo": "1000000001", "corpCode": "X",
         "workerList": [{"workerName": "W2", "idCardType": "08", "idCardNumber": aes("E1234567"),
                         "headImage": PNG, "isTeamLeader": "1", "workType": "010"}]}))
    seed("national-worker-update", 1, m("ProjectWorker.Update"), json.dumps(
        {"projectCode": "P1", "idCardType": "01", "idCardNumber": aes(ID), "workerName": "W",
         "headImage": JPEG, "teamSysNo": "1000000001"}))
    seed("national-worker-query", 1, m("ProjectWorker.Query"), json.dumps(
        {"projectCode": "P1", "idCardType": "01", "idCardNumber": aes(ID), "pageIndex": "0",
         "pageSize": "5"}))
    seed("national-team-add", 1, m("Team.Add"), json.dumps(
        {"projectCode": "P1", "teamName": "T", "responsiblePersonIdNumber": aes(ID)}))
    seed("national-entry-exit-add", 1, m("WorkerEntryExit.Add"), json.dumps(
        {"projectCode": "P1", "teamSysNo": "1000000001",
         "workerList": [{"idCardType": "01", "idCardNumber": aes(ID), "date": "2024-05-01", "type": 1}]}))
    seed("national-async", 1, m("AsyncHandleResult.Query"), json.dumps({"requestSerialCode": "0" * 32}))
    seed("national-project-query", 1, m("Project.Query"), json.dumps({"pageIndex": 0}))
    jrec = {"identityCode": des(ID), "type": 1, "checkDate": "2024-05-01 08:00:00", "image": JPEG,
            "attendType": "011", "channel": "c", "lng": "113.08", "lat": 22.58}
    seed("jiangmen-attendance", 2, 0, json.dumps({"dataList": [jrec, dict(jrec, type=0)]}))
    seed("jiangmen-attendance-single", 2, 0, json.dumps(jrec))
    seed("jiangmen-worker-query", 2, 1, json.dumps({"pageIndex": 0, "pageSize": 10}))
    seed("raw-form", 0, 0, "appid=fuzz-app&data=%7B%7D&format=json&method=Project.Query&nonce=1"
                          "&timestamp=20240501080000&version=1.0&sign=00")
    seed("raw-json", 0, 1 | (1 << 3), json.dumps({"token": "fuzz-token", "date": "2024-05-01 08:00:00",
                                                   "sign": "x", "serverType": "1", "requestJson": "{}"}))
    seed("fields", 3, 0, "fuzz-app\n" + json.dumps({"pageIndex": 1}) + "\njson\nProject.Query\n1.0")


if __name__ == "__main__":
    main()
