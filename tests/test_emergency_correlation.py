"""Event correlation through durable_rules: windows, proposals, the session limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from emergency.events import Correlator, Event
from emergency.model import InMemoryRepository
from emergency.plan import load_plan
from emergency.rules import WindowRule
from engine.match.durable_adapter import MAX_LIVE_SESSIONS, CorrelationEngine

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PLAN = load_plan()


def complaints(hours: list[float], collector: str = "c7") -> list[Event]:
    return [
        Event(kind="complaint", at=T0 + timedelta(hours=h), collector=collector, event_id=f"{collector}-{i}")
        for i, h in enumerate(hours)
    ]


def test_three_complaints_within_23h_declare_tier2_for_that_collector() -> None:
    repo = InMemoryRepository()
    outcomes = Correlator(repo, PLAN).feed(complaints([0, 11, 23]))
    assert [(o["tier"], o["scope"], o["result"]) for o in outcomes] == [(2, "collector=c7", "declared")]
    (record,) = repo.all()
    assert record.kind == "declaration" and record.state() == "active"
    assert record.source == "correlation:complaints_about_collector"


def test_three_complaints_over_25h_declare_nothing() -> None:
    repo = InMemoryRepository()
    assert Correlator(repo, PLAN).feed(complaints([0, 12, 25])) == []
    assert repo.all() == []


def test_window_slides_and_subjects_are_separate() -> None:
    repo = InMemoryRepository()
    c = Correlator(repo, PLAN)
    # c7: 0, 12, 25 (too wide) then 30: 12..30 is inside 24 h → fires on the 4th complaint
    events = complaints([0, 12, 25, 30]) + complaints([1, 2], collector="c8")
    outcomes = c.feed(events)
    assert [o["scope"] for o in outcomes] == ["collector=c7"]
    assert outcomes[0]["events"] == ["c7-1", "c7-2", "c7-3"]


def test_order_within_a_batch_does_not_matter() -> None:
    repo = InMemoryRepository()
    outcomes = Correlator(repo, PLAN).feed(list(reversed(complaints([0, 11, 23]))))
    assert len(outcomes) == 1


def test_same_events_do_not_fire_twice_and_existing_emergency_is_reused() -> None:
    repo = InMemoryRepository()
    c = Correlator(repo, PLAN)
    first = c.feed(complaints([0, 1, 2]))
    second = c.feed(complaints([3, 4, 5]))
    assert first[0]["result"] == "declared"
    assert second[0]["result"] == "already_in_force" and second[0]["emergency_id"] == first[0]["emergency_id"]
    assert len(repo.all()) == 1


def test_media_naming_lender_is_only_a_tier1_proposal() -> None:
    repo = InMemoryRepository()
    c = Correlator(repo, PLAN)
    assert c.feed([Event(kind="media", at=T0, names_lender=False)]) == []
    (outcome,) = c.feed([Event(kind="media", at=T0, names_lender=True, source="newspaper")])
    assert (outcome["tier"], outcome["scope"], outcome["result"]) == (1, "all", "proposed")
    (record,) = repo.all()
    assert record.kind == "proposal" and record.state() == "proposed"
    assert repo.enforced(datetime.now(UTC)) == []  # a proposal blocks nothing


def test_emotion_escalation_on_a_call_is_tier3_on_that_account() -> None:
    repo = InMemoryRepository()
    c = Correlator(repo, PLAN)
    assert c.feed([Event(kind="emotion_escalation", at=T0, channel="sms", account_id="A1")]) == []
    (outcome,) = c.feed([Event(kind="emotion_escalation", at=T0, channel="call", account_id="A1")])
    assert (outcome["tier"], outcome["scope"]) == (3, "account=A1")
    assert repo.all()[0].cooling_off_seconds == 48 * 3600


def test_many_subjects_stay_under_the_session_limit() -> None:
    rule = WindowRule("r", "complaint", (), "collector", 3, 86400)
    engine = CorrelationEngine([rule])
    base = int(T0.timestamp())
    for n in range(2500):  # 2,500 live subjects: spread over shards of ≤ MAX_LIVE_SESSIONS
        engine.feed({"event_id": f"e{n}", "kind": "complaint", "t": base + n, "collector": f"k{n}"})
    assert engine.live_sessions() == 2500
    assert all(len(s) <= MAX_LIVE_SESSIONS for s in engine._live.values())
    # a day later every old subject is stale: they are swept, no new shard is needed
    shards = len(engine._shards["r"])
    for n in range(1500):
        engine.feed({"event_id": f"f{n}", "kind": "complaint", "t": base + 3 * 86400 + n, "collector": f"new{n}"})
    assert len(engine._shards["r"]) == shards
    hits = []
    for i in range(3):
        event = {"event_id": f"g{i}", "kind": "complaint", "t": base + 3 * 86400 + 2000 + i, "collector": "x"}
        hits += engine.feed(event)
    assert [h.event_ids for h in hits] == [("g0", "g1", "g2")]


def _write(path, events: list[Event]):
    path.write_text("".join(e.model_dump_json(exclude_none=True) + "\n" for e in events), encoding="utf-8")
    return path


def test_windows_span_ingests_and_reingesting_changes_nothing(tmp_path) -> None:
    from emergency.events import ingest_file

    repo = InMemoryRepository()
    c = complaints([0, 11, 23])
    assert ingest_file(repo, PLAN, _write(tmp_path / "monday.jsonl", c[:1])) == []
    assert ingest_file(repo, PLAN, _write(tmp_path / "tuesday-am.jsonl", c[1:2])) == []
    outcomes = ingest_file(repo, PLAN, _write(tmp_path / "tuesday-pm.jsonl", c[2:]))
    assert [(o["tier"], o["scope"], o["result"]) for o in outcomes] == [(2, "collector=c7", "declared")]
    assert ingest_file(repo, PLAN, tmp_path / "tuesday-pm.jsonl") == []
    assert len(repo.all()) == 1


def test_old_events_replayed_for_the_window_do_not_raise_again(tmp_path) -> None:
    from emergency.events import ingest_file

    repo = InMemoryRepository()
    ingest_file(repo, PLAN, _write(tmp_path / "a.jsonl", complaints([0, 11, 23])))
    (record,) = repo.all()
    # the collector's emergency is stood down; an unrelated complaint about another collector
    # arrives inside the same window: the old three must not declare c7 again
    from emergency.service import stand_down

    # (at the ingest's clock, after the declaration: a stand-down cannot precede it)
    stand_down(repo, PLAN, record.emergency_id, by=["ops.lead"], reason="handled")
    assert ingest_file(repo, PLAN, _write(tmp_path / "b.jsonl", complaints([23.5], collector="c9"))) == []
    assert [r.emergency_id for r in repo.all()] == [record.emergency_id]


def test_spread_over_25h_across_files_declares_nothing(tmp_path) -> None:
    from emergency.events import ingest_file

    repo = InMemoryRepository()
    c = complaints([0, 12, 25])
    for i, event in enumerate(c):
        assert ingest_file(repo, PLAN, _write(tmp_path / f"{i}.jsonl", [event])) == []
