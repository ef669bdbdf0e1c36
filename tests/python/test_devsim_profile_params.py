"""A degraded profile wins over remote parameters, observed from outside `gaterig devsim`.

The rig turns liveness on with PUT /params {"check_liveness": true}. A vendor who shipped a
terminal without liveness would not let a parameter restore it: the no-liveness terminal takes the
parameter, REPORTS it as set (it claims to comply), and still admits print and screen attacks
(which the compliant terminal refuses: test_devsim_profiles_faces.py, 42 of 42).
"""
import pytest

from devsim_rig import derived_card, start_rig
from test_devsim_profiles_faces import FACE, POLICY, VariantSet, person_of


@pytest.fixture(scope="module")
def attacks_set(tmp_path_factory, gaterig):
    return VariantSet(gaterig, tmp_path_factory.mktemp("set"), ["print", "screen"],
                      persons=5, impostors=0, samples=3, seed=11)


def test_no_liveness_keeps_admitting_attacks_after_check_liveness_is_put(spawn, gaterig, tmp_path, attacks_set):
    synth = attacks_set
    sentinel = synth.enrolled[-1]
    sentinel_photo, sentinel_card = synth.probes(sentinel)[0], derived_card(sentinel["id_number"])
    candidates = synth.variants(["print", "screen"], synth.enrolled[:-1])
    assert candidates, "fixtures build made no print/screen variants of the enrolled persons"
    rig = start_rig(spawn, gaterig, tmp_path, synth, synth.enrolled, POLICY, "no-liveness",
                    f"[devsim.face]\n{FACE}\ncheck_liveness = true\n")
    try:
        code, reply = rig.terminal_call("PUT", "/params", {"check_liveness": True, "check_helmet": True})
        assert code == 200 and reply["check_liveness"] is True, reply
        assert rig.terminal_get("/params")["check_liveness"] is True  # it claims to check liveness
        assert rig.terminal_get("/status")["params"]["check_liveness"] is True

        rig.show(sentinel_photo)
        assert rig.next_frame()["card"] == sentinel_card
        admitted = []
        for c in candidates:
            card = derived_card(person_of(synth, c)["id_number"])
            rig.show(synth.path(c["frames"][0]))
            rig.show(sentinel_photo)
            cards = []
            while not cards or cards[-1] not in (sentinel_card, None):
                cards.append(rig.next_frame().get("card"))
            if card in cards:
                admitted.append(c["id"])
            if cards[-1] is None:
                break  # a frame that did not join: stop here, what was seen so far stands
        print("admitted attacks:", admitted, "of", len(candidates))
        assert admitted, "no-liveness refused every attack once check_liveness was put: the parameter restored the check"
    finally:
        rig.close()
        for p in (rig.terminal, rig.wire, rig.platform):
            if p is not None:
                p.kill()
