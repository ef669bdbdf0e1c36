"""The face profiles of `gaterig devsim` (no-mask, light-sensitive, no-liveness), observed from
outside: the same variant presentations of enrolled persons are shown to a compliant terminal and to
the degraded one, and only the Wiegand wire is read.

Variants come from the fixtures part (`gaterig fixtures synth` + `gaterig fixtures build
--variants ...`), so the images are the ones certification would show. The cues behind these
profiles are measured rates (README of simulator/device/face: mask flagged ~31/37, screen APCER
12.5 %), so no test asserts a rate or one particular image: each shows every candidate of its kind
to both terminals and asserts that the profile changes the outcome of at least one presentation the
compliant terminal handled correctly, and never in the other direction.

An outcome is read without waiting for silence: after each candidate the rig shows a sentinel (a
plain photo of another enrolled person), so the frames up to the sentinel's card say whether the
candidate's card went out. A frame the virtual wire split under load is joined again by
devsim_rig.whole_frame (as in test_devsim_profiles.py); one it cannot join makes that outcome
unknown: it is left out of the comparison, and a marker person's photo brings the wire back in step.

Seen on this set (synth seed 11, 9 persons x 3 probes, build seed 5, threshold 0.65), as
(compliant, degraded) counts: mask 21 = 3 (admitted, refused) + 18 (refused, refused): masked
synthetic faces seldom reach 0.65; strong/back light 42 = 28 (admitted, refused) + 4 (admitted,
admitted) + 10 (refused, refused); print/screen 42 = 39 (refused, admitted) + 3 (refused, refused).
"""
import json
import os
import subprocess

import pytest

from devsim_rig import SynthSet, derived_card, start_rig

# The tests' threshold (test_devsim_profiles.py); every pass counts (no repeat window).
FACE = "match_threshold = 0.65"
POLICY = "repeat_window_s = 0"


class VariantSet(SynthSet):
    """A synthetic set grown with the fixtures' variants of its probes."""

    def __init__(self, gaterig, folder, kinds, **kwargs):
        super().__init__(gaterig, folder, **kwargs)
        subprocess.run([gaterig, "fixtures", "build", "--set", self.folder, "--variants", ",".join(kinds),
                        "--per-person", "0", "--seed", "5", "--jobs", "2"], check=True, capture_output=True, timeout=600)
        with open(os.path.join(self.folder, "manifest.json")) as f:
            self.manifest = json.load(f)

    def variants(self, kinds, persons):
        ids = {p["id"] for p in persons}
        return [p for p in self.manifest["presentations"]
                if (p.get("derived_from") or {}).get("kind") in kinds and p["person"] in ids and len(p["frames"]) == 1]


@pytest.fixture(scope="module")
def synth(tmp_path_factory, gaterig):
    return VariantSet(gaterig, tmp_path_factory.mktemp("set"), ["mask", "strong-light", "backlight", "print", "screen"],
                      persons=9, impostors=0, samples=3, seed=11)


def person_of(synth, presentation):
    return next(p for p in synth.enrolled if p["id"] == presentation["person"])


def outcomes(spawn, gaterig, folder, synth, profile, candidates, face=FACE):
    """Shows each candidate to a terminal of `profile`; returns {presentation id: admitted}."""
    sentinel, marker = synth.enrolled[-1], synth.enrolled[-2]
    sentinel_photo, sentinel_card = synth.probes(sentinel)[0], derived_card(sentinel["id_number"])
    marker_photo, marker_card = synth.probes(marker)[0], derived_card(marker["id_number"])
    os.makedirs(folder, exist_ok=True)
    rig = start_rig(spawn, gaterig, folder, synth, synth.enrolled, POLICY, profile, f"[devsim.face]\n{face}\n")
    try:
        assert rig.terminal_ready["enrolled"] == len(synth.enrolled), rig.terminal_ready
        for photo, expected in ((sentinel_photo, sentinel_card), (marker_photo, marker_card)):
            rig.show(photo)
            f = rig.next_frame()
            assert f["card"] == expected, ("a plain photo of the sentinel or marker was not admitted", profile, f)
        admitted = {}
        for c in candidates:
            card = derived_card(person_of(synth, c)["id_number"])
            rig.show(synth.path(c["frames"][0]))
            rig.show(sentinel_photo)
            # Frames up to the sentinel's: the candidate's card if it was admitted (any other card
            # is a false match: not admitted).
            cards = []
            while not cards or cards[-1] not in (sentinel_card, None):
                cards.append(rig.next_frame().get("card"))
            admitted[c["id"]] = card in cards
            if cards[-1] is None:
                # Pieces that do not join into one frame: the outcome is unknown. The marker, shown
                # last, ends whatever is still on its way; a stray marker frame later is harmless
                # (neither candidate nor sentinel).
                admitted[c["id"]] = None
                rig.show(marker_photo)
                while (got := rig.next_frame().get("card")) != marker_card:
                    if got is None:
                        rig.show(marker_photo)
        return admitted
    finally:
        rig.close()
        for p in (rig.terminal, rig.wire, rig.platform):
            if p is not None:
                p.kill()


def compare(spawn, gaterig, tmp_path, synth, profile, kinds, face=FACE):
    """Outcomes of the candidates both terminals decided clearly: {id: (compliant, degraded)}."""
    candidates = synth.variants(kinds, synth.enrolled[:-2])  # the last two: sentinel and marker
    assert candidates, f"fixtures build made no {kinds} variants of the enrolled persons"
    compliant = outcomes(spawn, gaterig, tmp_path / "compliant", synth, "compliant", candidates, face)
    degraded = outcomes(spawn, gaterig, tmp_path / profile, synth, profile, candidates, face)
    both = {k: (compliant[k], degraded[k]) for k in compliant if compliant[k] is not None and degraded[k] is not None}
    print(profile, both)
    return {k: v[0] for k, v in both.items()}, {k: v[1] for k, v in both.items()}


def test_no_mask_refuses_masked_faces_the_compliant_terminal_admits(spawn, gaterig, tmp_path, synth):
    compliant, degraded = compare(spawn, gaterig, tmp_path, synth, "no-mask", ["mask"])
    admitted = [k for k, v in compliant.items() if v]
    assert admitted, f"the compliant terminal admitted none of the masked presentations: {compliant}"
    changed = [k for k in admitted if not degraded[k]]
    assert changed, f"no-mask admitted every masked presentation the compliant terminal admitted: {degraded}"
    assert not [k for k, v in degraded.items() if v and not compliant[k]], (compliant, degraded)


def test_light_sensitive_refuses_strong_and_back_light_the_compliant_terminal_admits(spawn, gaterig, tmp_path, synth):
    compliant, degraded = compare(spawn, gaterig, tmp_path, synth, "light-sensitive", ["strong-light", "backlight"])
    admitted = [k for k, v in compliant.items() if v]
    assert admitted, f"the compliant terminal admitted none of the strong/back light presentations: {compliant}"
    changed = [k for k in admitted if not degraded[k]]
    assert changed, f"light-sensitive admitted every presentation the compliant terminal admitted: {degraded}"
    assert not [k for k, v in degraded.items() if v and not compliant[k]], (compliant, degraded)


def test_no_liveness_admits_attacks_the_compliant_terminal_refuses(spawn, gaterig, tmp_path, synth):
    compliant, degraded = compare(spawn, gaterig, tmp_path, synth, "no-liveness", ["print", "screen"])
    refused = [k for k, v in compliant.items() if not v]
    assert refused, f"the compliant terminal (liveness on) admitted every attack: {compliant}"
    changed = [k for k in refused if degraded[k]]
    assert changed, f"no-liveness refused every attack the compliant terminal refused: {degraded}"
    assert not [k for k, v in compliant.items() if v and not degraded[k]], (compliant, degraded)
