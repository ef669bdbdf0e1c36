"""gaterig's pytest plugin: a certification is a pytest session over scenarios/.

    PYTHONPATH=build/python python3 -m pytest -p gaterig.pytest_plugin scenarios/ \\
        --rig rigs/sim.toml --standard scenarios/standards/jiangxi-2022.toml --report-dir out/x

Session fixtures: rig (started once from --rig, always stopped), terminal, platform, bench,
fixture_set, standard. Per test: clause, the recorder bound to the test's
@pytest.mark.clause("JX-A.2"). The scenario records figures; the standard profile decides: at the
end of the session every clause of the standard is evaluated (a clause no test recorded is NOT
TESTED, one whose test hit a rig error is ERROR, never FAIL) and results.json, trials.csv and
events.jsonl are written into --report-dir, with progress.jsonl for the front door
(`gaterig certify`). See python/README.md.
"""
import datetime
import hashlib
import json
import os
import pathlib
import re
import time
import uuid

import pytest

RIG_MISSING = "missing rig description (use --rig rigs/sim.toml)"
STANDARD_MISSING = "missing standard profile (use --standard scenarios/standards/jiangxi-2022.toml)"
RECORD_SCHEMA = "gaterig.clause_record/1"


def pytest_addoption(parser):
    g = parser.getgroup("gaterig", "gaterig certification")
    g.addoption("--rig", metavar="TOML", default=os.environ.get("GATERIG_RIG"),
                help="the rig description (rigs/sim.toml); or env GATERIG_RIG")
    g.addoption("--standard", metavar="TOML", default=os.environ.get("GATERIG_STANDARD"),
                help="the standard profile (scenarios/standards/jiangxi-2022.toml)")
    g.addoption("--dut", metavar="LABEL",
                help="the device under test: on a sim rig the devsim profile(s) to run "
                     "(e.g. 'no-mask,slow'), on a real rig a label for the report")
    g.addoption("--report-dir", metavar="DIR", default="out/certify",
                help="where results.json, trials.csv, events.jsonl and progress.jsonl go")
    g.addoption("--quick", action="store_true",
                help="fewer repetitions (a smoke run: verdicts may be NOT DEMONSTRABLE)")
    g.addoption("--resume", action="store_true",
                help="continue the run in --report-dir: finished tests are not run again, an "
                     "interrupted trial group continues from its journal")
    g.addoption("--seed", type=int, default=1, help="seed of every trial plan (recorded)")


def pytest_configure(config):
    config.addinivalue_line("markers", "clause(id): the standard clause this test gives evidence for")
    config.addinivalue_line("markers", "terminal_mode(mode): 'test' (liveness off) or 'liveness'")
    if config.getoption("rig") and not hasattr(config, "workerinput"):
        config._gaterig = Certification(config)
        config.pluginmanager.register(config._gaterig, "gaterig-certification")


def _cert(request):
    cert = getattr(request.config, "_gaterig", None)
    if cert is None:
        pytest.skip(RIG_MISSING)
    return cert


# ---- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def standard(request):
    """The standard profile (gaterig.Standard) from --standard."""
    return _cert(request).load_standard()


@pytest.fixture(scope="session")
def rig(request):
    """The rig from --rig, started once for the session and always stopped at its end."""
    cert = _cert(request)
    try:
        yield cert.start_rig()
    finally:
        cert.stop_rig()  # also when start() failed half-way: no child process is left behind


@pytest.fixture(scope="session")
def terminal(rig):
    return rig.terminal()


@pytest.fixture(scope="session")
def platform(rig):
    return rig.platform()


@pytest.fixture(scope="session")
def bench(rig):
    return rig.bench()


@pytest.fixture(scope="session")
def fixture_set(rig):
    return rig.fixture_set()


@pytest.fixture
def clause(request):
    """The recorder of the test's @pytest.mark.clause("JX-A.n")."""
    cert = _cert(request)
    recorder = cert.recorders.get(request.node.nodeid)
    if recorder is None:
        raise pytest.UsageError(f"{request.node.nodeid}: the clause fixture needs @pytest.mark.clause(\"JX-A.n\")")
    return recorder


# ---- the recorder a scenario writes into --------------------------------------------------

class ClauseRecorder:
    """What one test found for its clause: figures, trial groups, notes, deviations, an error.

    Figures are raw (counts, samples); thresholds and decision rules live in the standard and
    are applied at the end of the session."""

    def __init__(self, clause_id, nodeid):
        self.id = clause_id
        self.nodeid = nodeid
        self.measurements = []
        self.trial_groups = []
        self.notes = []
        self.deviations = []
        self.errors = []
        self.terminal_modes = []
        self.rows = []       # per-trial CSV rows of this test's trial groups
        self.environment = []

    # -- figures --
    def record_rate(self, name, events, trials, subjects=None, *, condition="", errors=0, tallies=None):
        """events of trials (e.g. false accepts of impostor trials). subjects: how many persons
        (an int), or per-person tallies [{"person","events","attempts"}] for the bootstrap;
        errors: trials the rig could not run (left out of `trials`)."""
        if isinstance(subjects, (list, tuple)):
            tallies, subjects = list(subjects), len(subjects)
        events, trials = int(events), int(trials)
        if events < 0 or trials < 0 or events > trials:
            raise ValueError(f"{self.id} {name}: events {events} of trials {trials} is not a rate")
        m = {"kind": "rate", "name": name, "condition": condition or "", "events": events,
             "trials": trials, "errors": int(errors),
             "subjects": None if subjects is None else int(subjects)}
        if tallies:
            m["tallies"] = [dict(t) for t in tallies]
        self.measurements.append(m)
        return m

    def record_latency(self, name, samples_ms, *, condition="", errors=0):
        """Every sample in ms (only trials with a response); errors: trials without one."""
        samples = [float(s) for s in samples_ms]
        m = {"kind": "latency", "name": name, "condition": condition or "",
             "samples_ms": samples, "trials": len(samples), "errors": int(errors)}
        self.measurements.append(m)
        return m

    def record_count(self, name, value, *, condition="", examined=None):
        """An exact count (lost passes, persons held); examined: how many items were looked at."""
        value = int(value)
        if value < 0:
            raise ValueError(f"{self.id} {name}: a count cannot be negative ({value})")
        m = {"kind": "count", "name": name, "condition": condition or "", "events": value,
             "trials": int(examined) if examined is not None else value}
        self.measurements.append(m)
        return m

    def record_check(self, name, passed, *, condition="", note=None):
        """A manual observation: conforming (True) or not (False)."""
        m = {"kind": "manual", "name": name, "condition": condition or "", "passed": bool(passed)}
        if note:
            m["notes"] = [str(note)]
        self.measurements.append(m)
        return m

    def record_comparison(self, name, baseline, condition_sample, *, condition, kind="rate"):
        """A condition against its baseline (JX-A.6; the baseline condition is the standard's).
        kind "rate": (events, trials) pairs; kind "latency": lists of samples in ms."""
        if kind == "rate":
            m = {"kind": "rate_comparison", "events": int(condition_sample[0]), "trials": int(condition_sample[1]),
                 "baseline_events": int(baseline[0]), "baseline_trials": int(baseline[1])}
        elif kind == "latency":
            m = {"kind": "latency_comparison", "samples_ms": [float(x) for x in condition_sample],
                 "baseline_samples_ms": [float(x) for x in baseline]}
        else:
            raise ValueError(f"{self.id} {name}: comparison kind must be 'rate' or 'latency', got {kind!r}")
        m.update(name=name, condition=condition or "")
        self.measurements.append(m)
        return m

    def record_error(self, what):
        """The rig could not do its job: the clause is ERROR (never FAIL)."""
        self.errors.append(str(what))

    def note(self, text):
        self.notes.append(str(text))

    def deviation(self, text):
        """A departure from the method, stated in the report (ISO/IEC 17025 §7.8.2)."""
        self.deviations.append(str(text))

    def environment_lux(self, condition, lux):
        self.environment.append({"condition": condition, "lux": float(lux),
                                 "at": _now_iso()})

    # -- bookkeeping --
    def add_trial_group(self, group):
        self.trial_groups.append(group)
        if group.get("terminal_mode") and group["terminal_mode"] not in self.terminal_modes:
            self.terminal_modes.append(group["terminal_mode"])

    def to_json(self):
        return {"clause": self.id, "nodeid": self.nodeid, "measurements": self.measurements,
                "trial_groups": self.trial_groups, "notes": self.notes, "deviations": self.deviations,
                "errors": self.errors, "terminal_modes": self.terminal_modes,
                "environment": self.environment}

    @classmethod
    def from_json(cls, j, rows=()):
        r = cls(j["clause"], j["nodeid"])
        for key in ("measurements", "trial_groups", "notes", "deviations", "errors", "terminal_modes",
                    "environment"):
            setattr(r, key, list(j.get(key, [])))
        r.rows = list(rows)
        return r

    def __repr__(self):
        return f"<clause {self.id}: {len(self.measurements)} figures, {len(self.errors)} errors>"


# ---- the rig as scenarios see it ----------------------------------------------------------

class CertifyRig:
    """gaterig.Rig plus the session: run_trials journals into --report-dir, reports progress and
    files the trial group and its per-trial rows under the running test's clause. Everything
    else is the C++ rig's own API."""

    def __init__(self, cert, rig):
        self._cert = cert
        self._rig = rig
        self.quick = cert.quick
        self.seed = cert.seed

    def __getattr__(self, name):
        return getattr(self._rig, name)

    def plan(self, presentations, repetitions=1, *, seed=None, **timing):
        """A TrialPlan over `presentations`, shuffled with the session's --seed unless given."""
        return self._rig.plan(list(presentations), repetitions, self.seed if seed is None else seed, **timing)

    def run_trials(self, plan, group, mode="test"):
        recorder = self._cert.current
        if recorder is None:
            raise RuntimeError("run_trials outside a test with @pytest.mark.clause")
        journal = self._cert.journal_path(group)
        progress = self._cert.progress_reporter(recorder.id, group)
        out = self._rig.run_trials(plan, group=group, mode=mode, clause=recorder.id,
                                   journal=str(journal), progress=progress)
        recorder.add_trial_group({"id": group, "clause": recorder.id,
                                  "condition": _group_condition(plan, group), "terminal_mode": mode,
                                  "trials": len(plan), "plan_seed": plan.seed, "plan_sha256": plan.sha256,
                                  "journal": str(journal.relative_to(self._cert.report_dir))})
        recorder.rows.extend(out.rows())
        return out


def _group_condition(plan, group):
    conditions = sorted({p.condition for p in plan.presentations()})
    return conditions[0] if len(conditions) == 1 else ",".join(conditions) or group


# ---- the session --------------------------------------------------------------------------

def _now_iso():
    # Civil time of the lab's standard (UTC+8), as the results document shows it.
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).isoformat(timespec="seconds")


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _safe_name(text):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:180] or "_"


def _terminal_info(identity, dut):
    t = {k: identity.get(k, "") for k in ("vendor", "model", "firmware_version", "firmware_hash", "serial")}
    if identity.get("profile"):
        t["profile"] = identity["profile"]
    elif dut:
        t["profile"] = dut
    return t


def _is_rig_error(exc):
    import gaterig
    rig_error = getattr(gaterig, "RigError", None)
    return rig_error is not None and isinstance(exc, rig_error)


class Certification:
    """One certification run: options, the rig, every test's recorder, the report directory."""

    def __init__(self, config):
        self.config = config
        opt = config.getoption
        self.rig_path = pathlib.Path(opt("rig")).resolve()
        self.standard_path = pathlib.Path(opt("standard")).resolve() if opt("standard") else None
        self.dut = opt("dut")
        self.quick = bool(opt("quick"))
        self.resume = bool(opt("resume"))
        self.seed = int(opt("seed"))
        self.report_dir = pathlib.Path(opt("report_dir")).resolve()
        if not self.rig_path.is_file():
            raise pytest.UsageError(f"--rig {opt('rig')}: no such file (a rig description, e.g. rigs/sim.toml)")
        if self.standard_path is not None and not self.standard_path.is_file():
            raise pytest.UsageError(f"--standard {opt('standard')}: no such file "
                                    f"(e.g. scenarios/standards/jiangxi-2022.toml)")
        self.recorders = {}   # nodeid -> ClauseRecorder (this session's and resumed ones)
        self.resumed = {}     # nodeid -> saved record file
        self.current = None
        self.rig = None
        self._standard = None
        self._progress = None
        self.interrupted = False
        self.rig_info = {}
        self.command = os.environ.get("GATERIG_COMMAND", "pytest -p gaterig.pytest_plugin")
        self._prepare_report_dir()

    # -- report directory and resume --
    def _prepare_report_dir(self):
        self.report_dir.mkdir(parents=True, exist_ok=True)
        (self.report_dir / "clauses").mkdir(exist_ok=True)
        (self.report_dir / "journals").mkdir(exist_ok=True)
        run_file = self.report_dir / "run.json"
        identity = {"rig_sha256": _sha256_file(self.rig_path) if self.rig_path.is_file() else None,
                    "standard_sha256": (_sha256_file(self.standard_path)
                                        if self.standard_path and self.standard_path.is_file() else None),
                    "seed": self.seed, "quick": self.quick, "dut": self.dut}
        if self.resume and run_file.is_file():
            saved = json.loads(run_file.read_text())
            for key, value in identity.items():
                if saved.get(key) != value:
                    raise pytest.UsageError(
                        f"cannot resume the run in {self.report_dir}: {key} was {saved.get(key)!r}, now {value!r} "
                        f"(start a new run without --resume, or use another --report-dir)")
            self.run = saved
            self.run["resumed"] = True
        else:
            if not self.resume:
                # A fresh run: the previous run's saved state must not leak into this one.
                for sub in ("clauses", "journals"):
                    for f in (self.report_dir / sub).iterdir():
                        if f.is_file():
                            f.unlink()
                for name in ("progress.jsonl", "events.jsonl", "trials.csv", "results.json"):
                    (self.report_dir / name).unlink(missing_ok=True)
            self.run = dict(identity, id=str(uuid.uuid4()), started=_now_iso(), resumed=False)
            run_file.write_text(json.dumps(self.run, indent=1) + "\n")
        self._progress = open(self.report_dir / "progress.jsonl", "a", buffering=1)

    def journal_path(self, group):
        return self.report_dir / "journals" / (_safe_name(group) + ".jsonl")

    def _record_path(self, nodeid):
        return self.report_dir / "clauses" / (_safe_name(nodeid) + ".json")

    def emit(self, **fields):
        fields.setdefault("at", round(time.time(), 3))
        self._progress.write(json.dumps(fields, ensure_ascii=False) + "\n")

    def progress_reporter(self, clause_id, group):
        def report(p):
            # p: {done, total, resumed, rate_per_s, eta_s, successes, decided, last} from the runner
            self.emit(event="progress", clause=clause_id, group=group, done=p["done"], total=p["total"],
                      resumed=p.get("resumed", 0),
                      trials_per_s=round(p["rate_per_s"], 3) if p.get("rate_per_s") else None,
                      eta_s=p.get("eta_s"), last=p.get("last"),
                      success_rate=(round(p["successes"] / p["decided"], 4) if p.get("decided") else None))
        return report

    # -- the standard and the rig --
    def load_standard(self):
        if self._standard is None:
            if self.standard_path is None:
                pytest.skip(STANDARD_MISSING)
            import gaterig
            if "standard" not in gaterig.features():
                pytest.skip("this gaterig build has no standard profiles (rigs/standard not built)")
            self._standard = gaterig.Standard.load(str(self.standard_path))
        return self._standard

    def start_rig(self):
        import gaterig
        if "rig" not in gaterig.features():
            pytest.skip("this gaterig build has no rig (rigs/rig, rigs/trial not built)")
        work = self.report_dir / "rig-work"
        description = gaterig.RigDescription.load(str(self.rig_path))
        profile = self.dut if (self.dut and description.kind == "sim") else None
        rig = gaterig.Rig(description, work_dir=str(work), profile=profile, seed=self.seed)
        self.emit(event="rig", state="starting", rig=description.name)
        self.rig = CertifyRig(self, rig)  # stop_rig stops it even when start fails half-way
        rig.start()
        self.rig_info = rig.info()
        (self.report_dir / "rig.json").write_text(json.dumps(self.rig_info, indent=1) + "\n")
        self.emit(event="rig", state="started", rig=description.name)
        return self.rig

    def stop_rig(self):
        if self.rig is None:
            return
        rig = self.rig._rig
        try:
            rig.stop()
        finally:
            # Evidence: every event the rig saw, appended (a resumed run adds its own).
            rig.write_events(str(self.report_dir / "events.jsonl"), append=True)
            self.emit(event="rig", state="stopped")

    # -- pytest hooks --
    def pytest_collection_modifyitems(self, session, config, items):
        total = 0
        for item in items:
            marker = item.get_closest_marker("clause")
            if marker is None:
                continue
            if not marker.args or not isinstance(marker.args[0], str):
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.clause needs the clause id, e.g. \"JX-A.2\"")
            total += 1
            saved = self._record_path(item.nodeid)
            if self.resume and saved.is_file():
                data = json.loads(saved.read_text())
                if data.get("status") == "done":
                    self.recorders[item.nodeid] = ClauseRecorder.from_json(data["record"], data.get("rows", []))
                    self.resumed[item.nodeid] = saved
                    item.add_marker(pytest.mark.skip(reason=f"resumed: finished in an earlier session ({saved.name})"))
        self.emit(event="session", state="collected", tests=total, resumed=len(self.resumed),
                  report_dir=str(self.report_dir))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        marker = item.get_closest_marker("clause")
        if marker is None or item.nodeid in self.resumed:
            return
        self.recorders[item.nodeid] = ClauseRecorder(marker.args[0], item.nodeid)
        self.current = self.recorders[item.nodeid]
        self.emit(event="test", state="started", nodeid=item.nodeid, clause=marker.args[0])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        recorder = self.recorders.get(item.nodeid)
        if recorder is None or item.nodeid in self.resumed or call.excinfo is None:
            return
        exc = call.excinfo.value
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return
        if call.excinfo.errisinstance(pytest.skip.Exception):
            # What it could not measure, and why, reaches the clause's notes (its measurements
            # stay NOT TESTED unless another test records them).
            recorder.note(f"{item.name}: not run: {getattr(exc, 'msg', None) or exc}")
            return
        # The scenario could not complete its method: the clause is ERROR, never FAIL (a device
        # fails only through the figures it recorded, judged by the standard).
        kind = "rig error" if _is_rig_error(exc) else f"scenario error ({type(exc).__name__})"
        recorder.record_error(f"{item.nodeid} ({call.when}): {kind}: {exc}")
        report.sections.append(("gaterig", f"clause {recorder.id}: recorded as ERROR ({kind})"))

    def pytest_runtest_logfinish(self, nodeid, location):
        recorder = self.recorders.get(nodeid)
        if recorder is None or nodeid in self.resumed:
            return
        self.current = None
        if self.interrupted:
            return  # an interrupted test runs again on --resume (its trial groups continue)
        status = "error" if recorder.errors else "done"
        path = self._record_path(nodeid)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"schema": RECORD_SCHEMA, "nodeid": nodeid, "status": status,
                                   "record": recorder.to_json(), "rows": recorder.rows}) + "\n")
        os.replace(tmp, path)
        self.emit(event="test", state="finished", nodeid=nodeid, clause=recorder.id, status=status)

    def pytest_keyboard_interrupt(self, excinfo):
        self.interrupted = True

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        # trylast: after pytest's own sessionfinish has torn down the session fixtures (rig stopped).
        interrupted = self.interrupted or exitstatus == pytest.ExitCode.INTERRUPTED
        try:
            written = self.write_results(interrupted)
            self.emit(event="session", state="finished", interrupted=interrupted, **written)
        except Exception as exc:  # the report must say why it is missing
            self.emit(event="session", state="finished", interrupted=interrupted,
                      error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self._progress.close()

    def pytest_terminal_summary(self, terminalreporter):
        path = self.report_dir / "results.json"
        if not path.is_file():
            terminalreporter.write_line(f"gaterig: no results written in {self.report_dir}")
            return
        doc = json.loads(path.read_text())
        terminalreporter.section("gaterig verdicts")
        for c in doc.get("clauses", []):
            terminalreporter.write_line(f"{c['id']:<8} {c['verdict']:<12} {c.get('title', '')}")
        terminalreporter.write_line(f"results: {path}")

    # -- the end: verdicts and evidence --
    def write_results(self, interrupted):
        if self.standard_path is None:
            return {"results": None, "why": STANDARD_MISSING}
        import gaterig
        if "standard" not in gaterig.features():
            return {"results": None, "why": "rigs/standard not built"}
        standard = self._standard or gaterig.Standard.load(str(self.standard_path))
        recorders = list(self.recorders.values())
        # Every clause of the standard, by the C++ rules (NOT TESTED when nothing was recorded).
        recordings = [{"clause": r.id, "measurements": r.measurements,
                       "error": "; ".join(r.errors) if r.errors else None} for r in recorders]
        clauses = gaterig.evaluate(standard, recordings, quick=self.quick, seed=self.seed)
        for c in clauses:
            mine = [r for r in recorders if r.id == c["id"]]
            notes = list(c.get("notes") or [])
            deviations = list(c.get("deviations") or [])
            for r in mine:
                notes += [n for n in r.notes if n not in notes]
                deviations += [d for d in r.deviations if d not in deviations]
            c["notes"], c["deviations"] = notes, deviations
            modes = sorted({m for r in mine for m in r.terminal_modes})
            if len(modes) == 1:
                c["terminal_mode"] = modes[0]
            elif modes:
                # The clause field holds one mode (the standard's); each trial group keeps its own.
                note = (f"trials ran in {len(modes)} terminal modes ({', '.join(modes)}); each trial group "
                        f"says its own")
                if note not in c["notes"]:
                    c["notes"].append(note)
        gaterig.write_trials_csv(str(self.report_dir / "trials.csv"), [row for r in recorders for row in r.rows])
        info = self.rig_info or self._saved_rig_info()
        doc = {
            "schema": "gaterig.results/1",
            "run": {"id": self.run["id"], "started": self.run["started"], "ended": _now_iso(),
                    "quick": self.quick, "seed": self.seed, "gaterig_version": gaterig.__version__,
                    "command": self.command, "resumed": bool(self.run.get("resumed"))},
            "lab": info.get("lab") or {"name": "", "address": "", "accreditation": ""},
            "rig": info.get("rig") or self._rig_from_file(),
            "standard": {"id": standard.id, "title": standard.title, "version": standard.version,
                         "sha256": standard.sha256},
            "terminal": _terminal_info(info.get("terminal") or {}, self.dut),
            "fixture_set": info.get("fixture_set") or {"name": "", "source": "", "persons": 0, "impostors": 0,
                                                       "presentations": 0, "manifest_sha256": ""},
            "clauses": clauses,
            "environment": {"lux": [e for r in recorders for e in r.environment], "temperature_c": None},
            "trial_groups": [{k: g[k] for k in ("id", "clause", "condition", "terminal_mode", "trials",
                                                "plan_seed", "plan_sha256")}
                             for r in recorders for g in r.trial_groups],
            "evidence": [],
        }
        results = gaterig.ResultsDocument.from_json(doc)
        # Not progress.jsonl: it is still written to after this (the session's last line).
        for name, what in (("trials.csv", "per-trial outcomes"),
                           ("events.jsonl", "every event on the rig's timeline")):
            if (self.report_dir / name).is_file():
                results.add_evidence(str(self.report_dir), name, what)
        for p in sorted((self.report_dir / "journals").glob("*.jsonl")):
            results.add_evidence(str(self.report_dir), str(p.relative_to(self.report_dir)), "trial journal")
        path = self.report_dir / "results.json"
        results.write(str(path))
        return {"results": str(path), "verdict": results.verdict,
                "statuses": {c.id: c.status for c in standard.clauses},
                "verdicts": {c["id"]: c["verdict"] for c in clauses}}

    def _saved_rig_info(self):
        # A resumed session whose tests were all done never starts the rig: the last one's record.
        path = self.report_dir / "rig.json"
        return json.loads(path.read_text()) if path.is_file() else {}

    def _rig_from_file(self):
        import gaterig
        try:
            return gaterig.RigDescription.load(str(self.rig_path)).to_json()
        except Exception:
            return {"name": "", "kind": "", "description": str(self.rig_path),
                    "sha256": _sha256_file(self.rig_path) if self.rig_path.is_file() else "",
                    "calibration": {"panel_latency_ms": None, "photon_method": "", "due": ""}}
