"""JX-A.18 direct connection: every request the terminal sent during the session checked by the
platform (signature, encryption of ID numbers, field formats, dates, replays), and every record
compared with the pass it reports."""
import datetime

import pytest

from conftest import parameter, record_count

CHINA = datetime.timezone(datetime.timedelta(hours=8))
ONLINE = lambda o: not o["group"].startswith(("JX-A.1/", "JX-A.17/"))


def record_shift_ms(o):
    """Record date minus the pass time (its frame, or the photon of a refused pass), ms."""
    date = datetime.datetime.strptime(o["record"]["date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    pass_ns = o["photon_wall"] + (o["latency_ns"] or 0)
    # The date has 1 s resolution: compare with the pass truncated to the second.
    return (date.timestamp() - pass_ns // 1_000_000_000) * 1000.0


@pytest.mark.after_trials
@pytest.mark.clause("JX-A.18")
def test_jx_a18_protocol_conformance(rig, standard, platform, trial_book, genuine_normal, clause):
    # The rig's own enrollment station calls the platform in-process (peer "rig-..."): not the terminal.
    requests = [e for e in rig.events(kind="platform.request") if not e["payload"].get("peer", "").startswith("rig-")]
    rig_ids = {e["payload"].get("request_id") for e in rig.events(kind="platform.request")
               if e["payload"].get("peer", "").startswith("rig-")}
    findings = [e for e in rig.events(kind="platform.finding") if e["payload"].get("request_id") not in rig_ids]
    replays = [e for e in rig.events(kind="platform.replay_refused") if e["payload"].get("request_id") not in rig_ids]
    bad = {}
    for e in findings + replays:
        p = e["payload"]
        bad.setdefault(p.get("request_id") or f"seq {e['seq']}", []).append(p.get("rule") or p.get("reason", "replay"))
    record_count(clause, "protocol_findings", len(bad), len(requests))
    rules = {}
    for rs in bad.values():
        for r in rs:
            rules[r] = rules.get(r, 0) + 1
    clause.note(f"{len(requests)} requests from the terminal, {len(bad)} with a finding"
                + (": " + ", ".join(f"{r} x{n}" for r, n in sorted(rules.items())) if rules else ""))
    for e in findings[:30]:
        p = e["payload"]
        clause.note(f"request {p.get('request_id')} {p.get('method')}: {p.get('field')}: {p.get('rule')}: "
                    f"{p.get('message')}")

    tolerance_ms = parameter(standard, "JX-A.1", "time_shift_tolerance_ms", 2000)
    recorded = [o for o in trial_book.outcomes(ONLINE) if o["record"] is not None]
    altered = [o for o in recorded if abs(record_shift_ms(o)) > tolerance_ms + 1000]
    # Records that belong to no trial, received while the link was up.
    spans = [(min(o["photon_mono"] for o in out.rows()), max(o["late_until_mono"] for o in out.rows()))
             for g, out in trial_book.groups.items() if len(out) and ONLINE({"group": g})]
    attached = {o["record"]["record_id"] for o in recorded}
    received = [e for e in rig.events(kind="platform.record_accepted")
                if any(a <= e["at_ns"] <= b for a, b in spans)]
    invented = [e for e in received if e["payload"].get("record_id") not in attached]
    record_count(clause, "altered_records", len(altered) + len(invented), len(recorded) + len(invented))
    for o in altered[:30]:
        clause.note(f"{o['group']} {o['trial']}: record dated {o['record']['date']}, "
                    f"{record_shift_ms(o):+.0f} ms from the pass")
    for e in invented[:30]:
        clause.note(f"record {e['payload'].get('record_id')} received during the trials matches no pass")
    clause.note(f"{len(recorded)} records compared with their passes (tolerance {tolerance_ms} ms + 1 s date "
                f"resolution); the platform's certification of the device is the vendor's document")
