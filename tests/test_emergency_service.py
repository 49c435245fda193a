"""Declarations, overlaps, authority and the response, on the in-memory repository."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emergency.enforce import EmergencyGuard, active_emergency_violations
from emergency.model import InMemoryRepository
from emergency.plan import load_plan
from emergency.response import escalate_overdue, run_response
from emergency.service import confirm, declare, stand_down
from engine.contracts.errors import InputError

PLAN = load_plan()
ACC = {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "US"}
CTX = {"segment": "vip", "assignment": {"kind": "collector", "queue": "c7"}}
CALL = {"channel": "call", "kind": "payment_demand"}


@pytest.fixture
def repo() -> InMemoryRepository:
    return InMemoryRepository()


def rules(repo, action=CALL, account=ACC, context=CTX) -> list[str]:
    return [v["rule"] for v in active_emergency_violations(repo, account, context, action)]


def test_declared_emergency_blocks_in_scope_only(repo) -> None:
    record = declare(repo, PLAN, tier=2, scope="collector=c7", reason="complaints", by="alice")
    (v,) = active_emergency_violations(repo, ACC, CTX, CALL)
    assert v["rule"] == "EMERGENCY.TIER2"
    assert record.emergency_id in v["reason"]
    assert v["citation"] == "Arrears emergency plan emergency.yaml tier 2"
    assert rules(repo, context={"assignment": {"kind": "collector", "queue": "c8"}}) == []


def test_overlap_strictest_first_and_stand_down_leaves_the_other(repo) -> None:
    t3 = declare(repo, PLAN, tier=3, scope="account=A1", reason="agitated call", by="alice")
    t1 = declare(repo, PLAN, tier=1, scope="jurisdiction=US", reason="media", by="bob")
    t2 = declare(repo, PLAN, tier=2, scope="segment=vip", reason="regulator", by="carol")
    assert rules(repo) == ["EMERGENCY.TIER1", "EMERGENCY.TIER2", "EMERGENCY.TIER3"]
    guard = EmergencyGuard.load(repo)
    assert guard.reassignment(ACC, CTX) == t1.reassign  # the strictest tier wins
    stand_down(repo, PLAN, t1.emergency_id, ["bob", "dave"], "story retracted")
    assert rules(repo) == ["EMERGENCY.TIER2", "EMERGENCY.TIER3"]
    stand_down(repo, PLAN, t2.emergency_id, ["carol"], "resolved")
    # tier 3 is still in force (and its 48 h cooling-off would outlast a stand-down anyway)
    assert rules(repo) == ["EMERGENCY.TIER3"]
    assert repo.get(t3.emergency_id).state() == "active"


def test_suspension_exceptions_apply_per_emergency(repo) -> None:
    declare(repo, PLAN, tier=2, scope="jurisdiction=US", reason="x", by="a")
    reply = {"channel": "sms", "kind": "reply_to_debtor"}
    assert rules(repo, action=reply) == []  # tier 2 lets replies to the debtor through
    declare(repo, PLAN, tier=1, scope="all", reason="y", by="b")
    assert rules(repo, action=reply) == ["EMERGENCY.TIER1"]  # tier 1 does not


def test_tier1_two_person_rule(repo) -> None:
    t1 = declare(repo, PLAN, tier=1, scope="all", reason="breach", by="alice")
    for people in (["alice"], ["alice", "alice"], ["Alice", " alice "]):
        with pytest.raises(InputError, match="needs 2 distinct people"):
            stand_down(repo, PLAN, t1.emergency_id, people, "over")
    assert repo.get(t1.emergency_id).state() == "active"
    stand_down(repo, PLAN, t1.emergency_id, ["alice", "bob"], "over")
    assert repo.get(t1.emergency_id).state() == "stood_down"
    with pytest.raises(InputError, match="already stood down"):
        stand_down(repo, PLAN, t1.emergency_id, ["alice", "bob"], "again")


def test_cooling_off_outlasts_an_early_stand_down(repo) -> None:
    t3 = declare(repo, PLAN, tier=3, scope="account=A1", reason="agitated", by="a")
    stand_down(repo, PLAN, t3.emergency_id, ["mediator"], "calm now")
    record = repo.get(t3.emergency_id)
    assert record.state() == "cooling_off" and rules(repo) == ["EMERGENCY.TIER3"]
    later = record.declared_at + timedelta(hours=49)
    assert record.state(later) == "stood_down"
    assert active_emergency_violations(repo, ACC, CTX, CALL, later) == []


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"tier": 4}, "tier must be 1, 2 or 3"),
        ({"tier": "x"}, "tier must be 1, 2 or 3"),
        ({"scope": "region=north"}, "unknown key 'region'"),
        ({"reason": " "}, "--reason"),
        ({"by": ""}, "a person is required"),
        # each tier covers only the scopes its plan entry lists (`scopes`)
        ({"tier": 3, "scope": "all"}, "tier 3 .*`all` is not allowed; use account=… or debtor=…"),
        ({"tier": 3, "scope": "account=A1,collector=c7"}, "tier 3 .*key collector is not allowed"),
        ({"tier": 2, "scope": "all"}, "tier 2 .*`all` is not allowed"),
        ({"tier": 1, "scope": "segment=vip"}, "tier 1 .*key segment is not allowed; use all or jurisdiction=…"),
    ],
)
def test_bad_declarations_write_nothing(repo, kwargs, fragment) -> None:
    args = {"tier": 2, "scope": "collector=c7", "reason": "r", "by": "a", **kwargs}
    with pytest.raises(InputError, match=fragment):
        declare(repo, PLAN, **args)
    assert repo.all() == [] and repo.audit_log == []


def test_unknown_id(repo) -> None:
    with pytest.raises(InputError, match="unknown emergency id"):
        stand_down(repo, PLAN, "EM-nope", ["a"], "r")
    with pytest.raises(InputError, match="unknown emergency id"):
        confirm(repo, PLAN, "PR-nope", "a")


def test_proposal_confirmation(repo) -> None:
    proposal = declare(repo, PLAN, tier=1, scope="all", reason="media", by="event-correlation", kind="proposal")
    assert rules(repo) == []
    record = confirm(repo, PLAN, proposal.emergency_id, "ops.lead")
    assert rules(repo) == ["EMERGENCY.TIER1"]
    assert record.proposal_id == proposal.emergency_id
    assert repo.get(proposal.emergency_id).state() == "confirmed"
    with pytest.raises(InputError, match="already confirmed"):
        confirm(repo, PLAN, proposal.emergency_id, "ops.lead")
    events = [a["event"] for a in repo.audit_log]
    assert events == ["EMERGENCY_PROPOSED", "EMERGENCY_DECLARED", "EMERGENCY_CONFIRMED"]


def test_response_files_notices_and_escalates_unacknowledged(repo) -> None:
    record = declare(repo, PLAN, tier=1, scope="all", reason="data breach", by="alice")
    now = datetime.now(UTC)
    summary = run_response(repo, PLAN, record, now)
    assert {n["role"] for n in summary["notices"]} == {"legal", "communications", "compliance_officer"}
    notices = {n.notice: n for n in repo.notices(record.emergency_id)}
    assert "data breach" in notices["legal_response"].body and record.emergency_id in notices["legal_response"].body
    repo.acknowledge(notices["legal_response"].notice_id, "lawyer", now)
    escalated = escalate_overdue(repo, PLAN, now + timedelta(hours=3))  # legal acked; statement 2 h overdue
    assert [n.notice for n in escalated] == ["public_statement"]
    assert escalate_overdue(repo, PLAN, now + timedelta(hours=3)) == []  # once only
    assert run_response(repo, PLAN, record, now)["notices"] == []  # idempotent
    events = [a["event"] for a in repo.audit_log]
    assert events.count("EMERGENCY_NOTICE_FILED") == 4 and "EMERGENCY_NOTICE_ACKNOWLEDGED" in events


def test_drill_runs_the_response_but_suspends_nothing(repo) -> None:
    drill = declare(repo, PLAN, tier=1, scope="all", reason="quarterly drill", by="ops", kind="drill")
    summary = run_response(repo, PLAN, drill)
    assert summary["drill"] is True and summary["suspended"] == "nothing (drill)"
    assert all(n.title.startswith("[DRILL]") and "DRILL" in n.body for n in repo.notices(drill.emergency_id))
    assert rules(repo) == []


def test_drill_of_a_tier_without_default_scope_asks_for_one(repo) -> None:
    with pytest.raises(InputError, match="tier 3 has no default scope: give --scope account=… or debtor=…"):
        declare(repo, PLAN, tier=3, scope=None, reason="drill", by="ops", kind="drill")
    assert repo.all() == []
