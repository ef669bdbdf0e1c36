"""What the scenarios share beyond the gaterig plugin's fixtures (rig, terminal, platform, bench,
fixture_set, standard, clause): the enrolled gallery, trial timing, planned trial counts read from
the standard, the session's trial book (so JX-A.3, JX-A.6, JX-A.10, JX-A.11 and JX-A.18 reuse the
trials other clauses ran instead of running their own), and the presentation tags of the set.

The standard decides every verdict; nothing here compares a figure with a threshold.
"""
import json
import pathlib

import pytest

# ---- order: scenarios that change the terminal's gallery or fill its store run last ----------

def pytest_configure(config):
    config.addinivalue_line(
        "markers", "after_trials: reads the trials every other scenario ran (JX-A.10, A.11, A.18), so "
                   "it runs after them")
    config.addinivalue_line(
        "markers", "runs_last: changes the terminal's gallery or fills its record store, so it runs "
                   "after every scenario that presents faces")


def _stage(item):
    if item.get_closest_marker("runs_last") is not None:
        return 2
    return 1 if item.get_closest_marker("after_trials") is not None else 0


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_stage)  # stable: file order within a stage


# ---- trial counts: the standard's plan, full or quick -----------------------------------------

def planned(standard, rig, clause_id, name, condition=""):
    """The trials the standard plans for a measurement in this run (full or --quick)."""
    return int(standard.clause(clause_id).measurement(name, condition).planned_trials(quick=rig.quick))


def parameter(standard, clause_id, key, default):
    return standard.clause(clause_id).parameters.get(key, default)


def exactly(presentations, trials):
    """`trials` presentations cycling over `presentations` taken person by person (every
    person's first, then every person's second, ...), so a count smaller than the set still
    covers as many persons as it can. The k-th showing of one is a copy with the id "<id>#k" (a
    plan's presentation ids are unique)."""
    by_person = {}
    for p in presentations:
        by_person.setdefault(p.person, []).append(p)
    rounds = max(len(v) for v in by_person.values())
    ordered = [v[r] for r in range(rounds) for v in by_person.values() if r < len(v)]
    trials = max(1, int(trials))
    out = []
    for i in range(trials):
        p = ordered[i % len(ordered)]
        k = i // len(presentations)
        if k == 0:
            out.append(p)
        else:
            import gaterig  # only here: the helpers are tested without the compiled module
            j = p.to_json()
            j["id"] = f"{p.id}#{k + 1}"
            out.append(gaterig.Presentation(j))
    return out


# ---- the set's presentations, with the manifest's tags ----------------------------------------

class SetTags:
    """Tags of every presentation (fixtures/MANIFEST_FORMAT.md): what the binding's filter does not
    say (a variant or the plain photo, the QR payload and its validity, the distance)."""

    def __init__(self, fixture_set):
        manifest = json.loads((pathlib.Path(fixture_set.dir) / "manifest.json").read_text())
        self.by_id = {p["id"]: p for p in manifest["presentations"]}

    def of(self, presentation_id):
        """The manifest entry of a presentation id (a repeated showing "<id>#k" is its source's)."""
        return self.by_id.get(presentation_id.split("#")[0], {})

    def tags(self, presentation):
        return self.of(presentation.id).get("tags", {})

    def kind(self, presentation):
        """The variant kind ("mask", "distance", ...), "" for a photo as taken."""
        derived = self.of(presentation.id).get("derived_from")
        return derived.get("kind", "") if derived else ""


@pytest.fixture(scope="session")
def set_tags(fixture_set):
    return SetTags(fixture_set)


def select(fixture_set, set_tags, *, kind="", condition=None, expected=None, keep=None, **filters):
    """Presentations of the set: binding filters (role, light, mask, helmet, attack, distance, qr),
    only those made by variant `kind` ("" = photos as taken, None = any), relabelled `condition`,
    with `expected` overriding accept/refuse, and `keep(presentation, tags)` for anything else."""
    out = []
    for p in fixture_set.presentations(condition=condition, expected=expected, **filters):
        if kind is not None and set_tags.kind(p) != kind:
            continue
        if keep is not None and not keep(p, set_tags.tags(p)):
            continue
        out.append(p)
    return out


def require(presentations, what, clause):
    """Skips (the measurement stays NOT TESTED) when the set has nothing to show, saying why."""
    if not presentations:
        reason = f"the fixture set has no {what} (make them with: gaterig fixtures build --variants ...)"
        clause.note(reason)
        pytest.skip(reason)
    return presentations


# ---- the gallery: the set's enrolled persons, enrolled through the rig's platform --------------

class Gallery:
    """Enrollment as an enrollment station does it. The first persons go in one at a time and the
    time until the terminal holds each is measured (section 二, JX-B.5); the rest in one batch."""

    def __init__(self, rig, one_at_a_time, timeout_s=60.0):
        persons = [p["id"] for p in rig.enrolled_persons()]
        self.persons = persons
        self.sync_ms = []
        self.sync_errors = []
        self.refused = 0
        self.problems = []
        held = 0
        for pid in persons[:one_at_a_time]:
            report = rig.enroll([pid])
            self._note(report)
            held += report["accepted"] + report["already"]
            sync = rig.wait_synced(held, timeout_s=timeout_s, ask_terminal=False)
            if sync["synced"]:
                self.sync_ms.append(1000.0 * sync["seconds"])
            else:
                self.sync_errors.append(sync.get("error") or "not synchronised")
        rest = persons[one_at_a_time:]
        if rest:
            report = rig.enroll(rest)
            self._note(report)
            held += report["accepted"] + report["already"]
        sync = rig.wait_synced(held, timeout_s=timeout_s + len(persons) * 0.5, ask_terminal=True)
        self.sync = sync
        # False when the terminal has no status to read: `held` is then the rig's assumption (every
        # person fetched from the platform), not a count the terminal gave.
        self.observed = bool(sync.get("observed", True))
        self.held = sync["enrolled"]
        self.failures = list(sync.get("failures") or [])

    def _note(self, report):
        self.refused += report["refused"]
        self.problems.extend(report.get("problems") or [])

    @property
    def enrollment_failures(self):
        """Persons the platform refused plus persons the terminal could not enroll (FTE)."""
        return self.refused + len(self.failures)


@pytest.fixture(scope="session")
def gallery(rig, standard):
    one_at_a_time = planned(standard, rig, "JX-B.5", "enrollment_sync_time")
    return Gallery(rig, one_at_a_time)


# ---- timing and the session's trials ----------------------------------------------------------

# The bench's pacing comes from its rig description ([trials], rigs/rig/rig_description.hpp):
#   gap_ms            grey frame between trials: the terminal sees nobody; output during it is
#                     still charged to the trial before (up to the next photon)
#   settle_ms         after the first frame's first edge: further frames of the same trial (they
#                     are still charged to it later, up to the next photon)
#   accept_window_ms  an accept may take this long (JX-A.2's limit is 3 s); closes at the frame
#   refusal_floor_ms  the shortest silence that calls a refusal
REFUSAL_CEILING_MS = 3000    # JX-A.2's recognition-time limit: a worker stands that long at the gate
UNKNOWN_REPEAT_WINDOW_S = 5  # a terminal whose anti-passback the rig cannot read
TRIAL_MS_ESTIMATE = 150      # a fast accept (decision + settle + gap): spreads persons over the repeat window


class TrialBook:
    """Every trial group the session ran, by group id, so later clauses reuse them."""

    def __init__(self, rig, terminal):
        self.rig = rig
        self.groups = {}
        self.pacing = dict(rig.description.trials)
        params = None
        try:
            params = terminal.status().get("params", {})
        except Exception:  # an external terminal may have no status: its anti-passback is unknown
            pass
        # The terminal's anti-passback: one person is not shown again sooner (else a genuine
        # presentation would be refused as a repeat, which is no fault of recognition). Unknown,
        # it is taken as UNKNOWN_REPEAT_WINDOW_S, longer than terminals commonly set.
        window_s = params.get("repeat_window_s", 0) if params is not None else UNKNOWN_REPEAT_WINDOW_S
        self.repeat_window_ms = int(1000 * float(window_s)) + 200

    def refusal_window_ms(self):
        """Silence that calls a refusal: twice the 99th percentile (nearest rank) of the accepts seen
        in normal light, within the rig's refusal floor and 3 s (3 s when nothing was measured yet).
        The percentile, not the slowest: one accept held up by the machine (169 ms among a p99 of
        128 ms on a loaded 2-core run) must not lengthen a thousand refusal trials; below 100
        samples it is the slowest. Output after the window, up to the next photon, is still charged
        to the trial."""
        genuine = self.groups.get(GENUINE_GROUP)
        samples = sorted(genuine.latencies_ms("true_accept")) if genuine is not None else []
        if not samples:
            return REFUSAL_CEILING_MS
        p99 = samples[(99 * len(samples) + 99) // 100 - 1]  # nearest rank: the ceil(0.99 n)-th
        return int(min(REFUSAL_CEILING_MS, max(self.pacing["refusal_floor_ms"], 2 * p99)))

    def person_spacing(self, persons):
        """How many trials apart one person's presentations are put: enough to outlast the
        anti-passback window at fast trials (the runner still waits when they come sooner)."""
        wanted = max(4, -(-self.repeat_window_ms // TRIAL_MS_ESTIMATE))
        return max(0, min(persons - 1, wanted))

    def run(self, presentations, trials, group, mode="test", seed=None):
        """Exactly `trials` trials over `presentations` (each shown equally often, give or take
        one), shuffled with the session's seed, persons spread apart."""
        persons = {p.person for p in presentations}
        plan = self.rig.plan(exactly(presentations, trials), 1, seed=seed,
                             gap_ms=self.pacing["gap_ms"], window_ms=self.pacing["accept_window_ms"],
                             settle_ms=self.pacing["settle_ms"],
                             refusal_window_ms=self.refusal_window_ms(),
                             repeat_window_ms=self.repeat_window_ms,
                             person_spacing=self.person_spacing(len(persons)))
        out = self.rig.run_trials(plan, group=group, mode=mode)
        self.groups[group] = out
        return out

    def outcomes(self, where=lambda o: True):
        """Outcome dicts of every group run so far."""
        return [o for out in self.groups.values() for o in out.rows() if where(o)]


@pytest.fixture(scope="session")
def trial_book(rig, terminal):
    return TrialBook(rig, terminal)


GENUINE_GROUP = "JX-A.2/genuine"


@pytest.fixture(scope="session")
def genuine_normal(rig, standard, fixture_set, set_tags, gallery, trial_book):
    """JX-A.2's genuine group (enrolled persons, photos as taken, normal light, test mode): also
    JX-A.3's first attempts, JX-A.6's baseline, and frames and records for JX-A.10/A.11/A.18."""
    presentations = select(fixture_set, set_tags, role="enrolled", light="normal", mask=False, kind="")
    if not presentations:
        pytest.skip("the fixture set has no enrolled persons' photos in normal light")
    if rig.has_bench:
        rig.bench().set_light("normal")
    return trial_book.run(presentations, planned(standard, rig, "JX-A.2", "pass_rate"), GENUINE_GROUP)


# ---- figures from outcome dicts ---------------------------------------------------------------

def decided(outcomes):
    return [o for o in outcomes if o["outcome"] != "error"]


def tallies(outcomes, success):
    """Per-person {person, events, attempts} of decided trials (for the subject bootstrap)."""
    by = {}
    for o in decided(outcomes):
        t = by.setdefault(o["person"], {"person": o["person"], "events": 0, "attempts": 0})
        t["attempts"] += 1
        t["events"] += int(o["outcome"] in success)
    return sorted(by.values(), key=lambda t: t["person"])


def record_rate(clause, name, outcomes, events, *, condition="normal", by_person=True):
    """`events`: the outcome classes counted. Errors are left out of the rate and reported."""
    ok = decided(outcomes)
    n_events = sum(o["outcome"] in events for o in ok)
    subjects = tallies(outcomes, events) if by_person else len({o["person"] for o in ok})
    note_repeats(clause, f"{name} ({condition})" if condition else name, ok, events, by_person)
    return clause.record_rate(name, n_events, len(ok), subjects, condition=condition,
                              errors=len(outcomes) - len(ok))


def note_repeats(clause, name, outcomes, events, by_person):
    """Notes the sample's make-up when the plan showed some images more than once (ISO/IEC 19795-1
    asks for the population): a repeat of one image is not an independent trial, least of all on a
    terminal that answers the same pixels the same way. Nothing when every image was shown once."""
    shown = {}
    for o in outcomes:
        image = o.get("presentation", "").split("#")[0]  # a repeated showing "<id>#k" is its source's
        shown[image] = shown.get(image, 0) + 1
    if not shown or "" in shown or max(shown.values()) == 1:
        return
    persons = len({o["person"] for o in outcomes})
    times = sorted(set(shown.values()))
    how = f"{times[0]}" if len(times) == 1 else f"{times[0]}-{times[-1]}"
    counted = sum(o["outcome"] in events for o in outcomes)
    if not by_person:
        bound = "the rate treats them as independent"
    elif counted in (0, len(outcomes)):
        # No event at all (or nothing else): every resample of persons has the same rate, so the
        # bootstrap cannot move the bound and the Clopper-Pearson bound stands on the trials alone.
        bound = ("with every trial alike the by-person bootstrap cannot widen the bound; the "
                 "Clopper-Pearson bound counts every showing as an independent trial")
    else:
        bound = "the by-person bootstrap, whose bound decides when it is the stricter, counts each person once"
    clause.note(f"{name}: {len(outcomes)} trials on {len(shown)} distinct images of {persons} persons, "
                f"each shown {how} times; repeats of an image are not independent trials ({bound})")


def latencies_ms(outcomes, outcome="true_accept"):
    return [o["latency_ns"] / 1e6 for o in outcomes if o["outcome"] == outcome and o["latency_ns"] is not None]


GATE_OPENED = ("true_accept", "false_accept_wrong_person", "false_accept_unenrolled", "false_accept_policy",
               "attack_accepted")


# ---- capacity (JX-A.1): the gallery filled to the standard's figure ---------------------------

@pytest.fixture(scope="session")
def enrollment_sync(rig, standard, gallery):
    """JX-B.5's samples: the gallery's one-at-a-time enrollments and, when the plan wants more
    than the set has persons, further workers one at a time (JX-A.1's capacity workers, the set's
    photos cycled). Only for scenarios run last, and before the capacity fill, which counts them."""
    need = planned(standard, rig, "JX-B.5", "enrollment_sync_time")
    out = {"ms": list(gallery.sync_ms), "errors": list(gallery.sync_errors), "extra": 0, "already": 0}
    held = gallery.held
    for k in range(max(0, need - len(out["ms"]) - len(out["errors"]))):
        report = rig.enroll_capacity(1, k)
        if not report["accepted"]:
            # Enrolled by an earlier run on this terminal (or refused): nothing to time.
            out["already"] += 1
            continue
        held += report["accepted"]
        sync = rig.wait_synced(held, timeout_s=60.0, ask_terminal=False)
        out["extra"] += 1
        if sync["synced"]:
            out["ms"].append(1000.0 * sync["seconds"])
        else:
            out["errors"].append(sync.get("error") or "not synchronised")
    return out


@pytest.fixture(scope="session")
def capacity(rig, standard, gallery, enrollment_sync):
    """The terminal's gallery filled to JX-A.1's figure (only by scenarios marked runs_last: the
    extra workers' photos repeat the set's, so recognition trials after it would be meaningless)."""
    need = planned(standard, rig, "JX-A.1", "enrolled_capacity")
    have = len(gallery.persons)
    if have >= need:
        return {"requested": have, "refused": gallery.refused, "held": gallery.held,
                "failures": len(gallery.failures), "seconds": gallery.sync.get("seconds", 0.0),
                "observed": gallery.observed}
    report = rig.enroll_capacity(need - have)
    requested = have + report["requested"]
    held_wanted = gallery.held + report["accepted"] + report["already"]
    # 10,000 photos through the terminal's face engine take minutes on a small machine.
    sync = rig.wait_synced(held_wanted, timeout_s=max(300.0, need * 0.1), ask_terminal=True)
    return {"requested": requested, "refused": gallery.refused + report["refused"], "held": sync["enrolled"],
            "failures": len(sync.get("failures") or []), "seconds": sync.get("seconds", 0.0),
            "store_full": sum(1 for f in (sync.get("failures") or [])
                              if isinstance(f, dict) and f.get("status") == "store-full"),
            "synced": sync["synced"], "error": sync.get("error", ""),
            "observed": gallery.observed and bool(sync.get("observed", True))}


def record_count(clause, name, value, out_of):
    """An exact count (lost passes, malformed frames) and how many items were examined to find
    it: a count over nothing examined is NOT TESTED, not PASS."""
    return clause.record_count(name, int(value), examined=int(out_of))
