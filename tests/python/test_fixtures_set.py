"""`gaterig fixtures`: import a face set the project has never seen, build, check, show, sheet.

Runs the real binary. The generated tree is drawn here (PGM/PNG written by hand, no personal
data); the ORL and Yale tests use ../shared/facesets and skip when it is absent.
"""
import json
import pathlib
import struct
import subprocess
import zlib

import numpy as np
import pytest


def run(gaterig, *args, expect=None):
    proc = subprocess.run([gaterig, *map(str, args)], capture_output=True, text=True, timeout=600)
    if expect is not None:
        assert proc.returncode == expect, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def face(person, sample, size=96):
    """A drawn face, different per (person, sample)."""
    y, x = np.mgrid[0:size, 0:size]
    img = np.full((size, size), 30 + 5 * person % 40, np.uint8)
    c = size / 2
    img[((x - c) / (0.3 * size)) ** 2 + ((y - c) / (0.4 * size)) ** 2 <= 1] = 160 + person % 60
    for ex in (-size / 8, size / 8):
        img[(x - c - ex) ** 2 + (y - c + size / 10) ** 2 <= (size / 20 + sample % 3) ** 2] = 20
    img[int(c + size / 5), int(c - size / 8):int(c + size / 8)] = 40
    img[2:6, 2 + 3 * sample:6 + 3 * sample] = 255  # the sample number, so no two photos are equal
    return img


def write_pgm(path, img):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"P5\n%d %d\n255\n" % (img.shape[1], img.shape[0]) + img.tobytes())


def write_png(path, img):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + row.tobytes() for row in img)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", img.shape[1], img.shape[0], 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)


@pytest.fixture
def lab_tree(tmp_path):
    """A lab's folder as a lab might bring it: mostly fine, with some junk in it."""
    lab = tmp_path / "lab"
    for p in range(1, 9):
        for s in range(1, 5):
            write_pgm(lab / f"s{p}" / f"{s}.pgm", face(p, s))
    write_png(lab / "s9" / "session1" / "IMG_0001.PNG", face(9, 1))   # nested, upper case
    write_png(lab / "s9" / "session2" / "IMG_0002.png", face(9, 2))
    write_pgm(lab / "s9" / "subject09.happy", face(9, 3))             # no image extension
    (lab / "s1" / "consent.txt").write_text("signed forms in the cabinet")
    (lab / "s2" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0truncated")
    (lab / "s3" / ".DS_Store").write_bytes(b"junk")
    (lab / "s10-empty").mkdir()
    (lab / "README").write_text("faces")
    return lab


def load(set_dir):
    return json.loads((set_dir / "manifest.json").read_text())


def test_import_of_a_new_tree_names_what_it_skips_and_checks_clean(gaterig, lab_tree, tmp_path):
    out = tmp_path / "set"
    proc = run(gaterig, "fixtures", "import", "--from", lab_tree, "--out", out, "--seed", 4, expect=0)
    for skipped in ("s1/consent.txt: not an image", "s2/broken.jpg: a jpg file that cannot be decoded",
                    "s3/.DS_Store: hidden file", "s10-empty/: no usable photo", "README: a file outside any person folder"):
        assert skipped in proc.stderr, proc.stderr
    assert "imported 9 persons (7 enrolled, 2 impostors)" in proc.stdout
    m = load(out)
    assert m["schema"] == "gaterig.fixtures/1"
    assert [p["source"] for p in m["persons"]][-1] == "s9"
    nine = [p for p in m["presentations"] if p["person"] == "P0009"]
    enrolled = [p for p in m["persons"] if p["id"] == "P0009"][0]["enrollment"]
    assert len(nine) + (1 if enrolled else 0) == 3  # nested, upper case, extension-less all found
    # the split depends on the seed only
    again = tmp_path / "again"
    run(gaterig, "fixtures", "import", "--from", lab_tree, "--out", again, "--seed", 4, expect=0)
    assert load(again)["persons"] == m["persons"] and load(again)["presentations"] == m["presentations"]

    check = run(gaterig, "fixtures", "check", "--set", out, "--no-faces", "--json", expect=0)
    result = json.loads(check.stdout)
    assert result["schema"] == "gaterig.fixtures.check/1" and result["ok"] and result["errors"] == 0
    show = json.loads(run(gaterig, "fixtures", "show", "--set", out, "--json", expect=0).stdout)
    assert show["persons"] == {"total": 9, "enrolled": 7, "impostor": 2, "with_enrollment": 7}
    assert show["presentations"]["total"] == 35 - 7
    persons = run(gaterig, "fixtures", "show", "--set", out, "--persons", expect=0).stdout
    for p in m["persons"]:
        assert p["id_number"] not in persons, "ID numbers must be masked"
        assert p["id_number"][-4:] in persons


def test_synthetic_set_builds_every_variant_resumably(gaterig, tmp_path):
    out = tmp_path / "syn"
    run(gaterig, "fixtures", "synth", "--out", out, "--persons", 3, "--impostors", 1, "--samples", 2, "--seed", 7, expect=0)
    build = run(gaterig, "fixtures", "build", "--set", out, "--variants", "all", "--per-person", 1, expect=0)
    assert "build: 48/48 (100%)" in build.stderr, build.stderr  # 4 persons x 12 kinds, with progress
    show = json.loads(run(gaterig, "fixtures", "show", "--set", out, "--json", expect=0).stdout)
    kinds = show["presentations"]["by_kind"]
    assert set(kinds) == {"original", "strong-light", "backlight", "low-light", "mask", "helmet", "print",
                          "screen", "video", "distance", "distance-near", "distance-far", "qr"}
    assert all(n == 4 for k, n in kinds.items() if k != "original")
    assert show["presentations"]["by_attack"]["video"] == 4 and show["presentations"]["mask"] == 4
    m = load(out)
    masked = [p for p in m["presentations"] if p["derived_from"] and p["derived_from"]["kind"] == "mask"][0]
    assert masked["tags"]["mask"] is True and masked["derived_from"]["presentation"] in {p["id"] for p in m["presentations"]}
    # a second run makes nothing new; a deleted variant file is made again
    again = run(gaterig, "fixtures", "build", "--set", out, "--variants", "all", "--per-person", 1, expect=0)
    assert "built 0 variant presentations (48 already there" in again.stdout
    (out / masked["frames"][0]["path"]).unlink()
    third = run(gaterig, "fixtures", "build", "--set", out, "--variants", "all", "--per-person", 1, expect=0)
    assert "built 1 variant presentations (47 already there" in third.stdout
    assert load(out)["presentations"] == m["presentations"], "the same seed must rebuild the same bytes"
    check = run(gaterig, "fixtures", "check", "--set", out, expect=0)
    assert "OK: 0 error(s)" in check.stdout
    sheet = tmp_path / "sheet.png"
    run(gaterig, "fixtures", "sheet", "--set", out, "--out", sheet, "--person", "S0001", expect=0)
    assert sheet.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run(gaterig, "fixtures", "build", "--set", out, "--variants", "sunburn", expect=2)


@pytest.fixture
def small_set(gaterig, tmp_path):
    out = tmp_path / "set"
    lab = tmp_path / "lab"
    for p in range(1, 4):
        for s in range(1, 4):
            write_pgm(lab / f"s{p}" / f"{s}.pgm", face(p, s))
    run(gaterig, "fixtures", "import", "--from", lab, "--out", out, expect=0)
    return out


def test_changed_file_is_a_hash_mismatch_naming_file_and_field(gaterig, small_set):
    m = load(small_set)
    target = small_set / m["presentations"][0]["frames"][0]["path"]
    write_pgm(target, face(50, 50))
    proc = run(gaterig, "fixtures", "check", "--set", small_set, "--no-faces", expect=1)
    assert f"error hash-mismatch: {target}: presentations[0].frames[0].sha256: expected " in proc.stdout, proc.stdout


def test_missing_and_corrupt_files_are_named(gaterig, small_set):
    m = load(small_set)
    missing = small_set / m["presentations"][0]["frames"][0]["path"]
    missing.unlink()
    corrupt = small_set / m["presentations"][1]["frames"][0]["path"]
    corrupt.write_bytes(b"P5\n96 96\n255\n" + b"\x00" * 10)  # truncated
    import hashlib
    m["presentations"][1]["frames"][0]["sha256"] = hashlib.sha256(corrupt.read_bytes()).hexdigest()
    (small_set / "manifest.json").write_text(json.dumps(m))
    result = json.loads(run(gaterig, "fixtures", "check", "--set", small_set, "--no-faces", "--json", expect=1).stdout)
    by_code = {f["code"]: f for f in result["findings"]}
    assert by_code["missing-file"]["file"] == str(missing)
    assert by_code["missing-file"]["field"] == "presentations[0].frames[0].path"
    assert by_code["corrupt-image"]["file"] == str(corrupt)
    assert "cannot be decoded" in by_code["corrupt-image"]["message"]


def test_unreadable_manifest_exits_2_naming_file_and_path(gaterig, small_set):
    path = small_set / "manifest.json"
    m = load(small_set)
    m["persons"][1]["card"]["format"] = "wg99"
    path.write_text(json.dumps(m))
    proc = run(gaterig, "fixtures", "check", "--set", small_set, expect=2)
    assert f"{path}: persons[1].card.format: expected \"wg26\" or \"wg34\", found \"wg99\"" in proc.stderr, proc.stderr
    path.write_text('{"schema": "gaterig.fixtures/1", "set": ')
    proc = run(gaterig, "fixtures", "show", "--set", small_set, expect=2)
    assert f"{path}: not valid JSON" in proc.stderr
    path.unlink()
    proc = run(gaterig, "fixtures", "check", "--set", small_set, expect=2)
    assert "cannot open the manifest" in proc.stderr


def shared_set(shared_dir, name):
    path = shared_dir / "facesets" / name
    if not path.is_dir():
        pytest.skip(f"{path} not found: needs ../shared/facesets/{name}")
    return path


@pytest.mark.parametrize("name,persons,photos", [("orl", 40, 400), ("yale", 15, 164)])
def test_shared_face_sets_import_check_and_sheet(gaterig, shared_dir, tmp_path, name, persons, photos):
    src = shared_set(shared_dir, name)
    out = tmp_path / name
    proc = run(gaterig, "fixtures", "import", "--from", src, "--out", out, "--seed", 1, expect=0)
    show = json.loads(run(gaterig, "fixtures", "show", "--set", out, "--json", expect=0).stdout)
    assert show["persons"]["total"] == persons
    # Every photo is kept, except byte-identical copies within a person (Yale: "normal" is the
    # same file as "noglasses" or "glasses" for 9 subjects), each skipped with a warning.
    kept = show["persons"]["with_enrollment"] + show["presentations"]["total"]
    assert kept + proc.stderr.count("(same person), skipped") == photos, proc.stderr
    models = shared_dir / "models"
    check = run(gaterig, "fixtures", "check", "--set", out, "--models", models, "--json", expect=0)
    result = json.loads(check.stdout)
    assert result["detector"] == "yunet" and result["faces_checked"] == show["persons"]["with_enrollment"]
    sheet = tmp_path / f"{name}.png"
    run(gaterig, "fixtures", "sheet", "--set", out, "--out", sheet, "--max", 40, expect=0)
    assert sheet.stat().st_size > 10000
