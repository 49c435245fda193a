"""US state overlays through the real `arrears check`: the account's `region` adds its state's
rules to the federal ones — one boundary per state, allowed on one side, blocked on the other
with the state rule's id and citation."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

PHONES = [{"number": "+15555550100"}, {"number": "+15555550199", "relation": "work"}]
VALIDATION = {"channel": "letter", "kind": "validation_notice", "outcome": "delivered"}


def _account(region: str, zone: str, **extra: object) -> dict[str, object]:
    return {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "US", "balance": "500.00", "dpd": 400,
            "timezone": zone, "region": region, "phones": PHONES, **extra}  # fmt: skip


def _calls(*stamps: str, to: str = "+15555550100") -> list[dict[str, object]]:
    return [{"at": at, "channel": "call", "outcome": "no_answer", "to": to} for at in stamps]


CALL = {"channel": "call", "party": "debtor", "kind": "payment_demand", "recorded": True, "to": "+15555550100"}
LETTER = {"channel": "letter", "party": "debtor", "kind": "payment_demand", "text": "Your balance of $500 is unpaid."}
NOTICE = (
    "The law limits how long you can be sued on a debt. Because of the age of your debt, ACME cannot sue you for it."
)

# (name, account, history, allowed action, blocked action, rule, citation, next_allowed_at)
SCENARIOS = [
    (
        "MA: 2nd call in 7 days allowed, 3rd blocked",
        _account("MA", "America/New_York"),
        [
            {**VALIDATION, "at": "2026-04-01T10:00:00-04:00"},
            *_calls("2026-04-06T10:00:00-04:00", "2026-04-07T10:00:00-04:00"),
        ],
        {**CALL, "at": "2026-04-13T09:00:00-04:00"},  # the 04-06 call has left: the 2nd
        {**CALL, "at": "2026-04-08T10:00:00-04:00"},  # sees two: the 3rd
        "US.MA.CALL_FREQUENCY",
        "940 CMR 7.04(1)(f)",
        "2026-04-13T08:00:00-04:00",
    ),
    (
        "WA: 1st call at work in a week allowed, 2nd blocked",
        _account("WA", "America/Los_Angeles"),
        [{**VALIDATION, "at": "2026-04-01T10:00:00-07:00"}, *_calls("2026-04-06T10:00:00-07:00", to="+15555550199")],
        {**CALL, "to": "+15555550199", "at": "2026-04-13T09:00:00-07:00"},  # the 04-06 call has left
        {**CALL, "to": "+15555550199", "at": "2026-04-08T10:00:00-07:00"},
        "US.WA.WORKPLACE_FREQUENCY",
        "RCW 19.16.250",
        "2026-04-13T08:00:00-07:00",
    ),
    (
        "CA: time-barred letter allowed with the notice, blocked without",
        _account("CA", "America/Los_Angeles", flags=["time_barred"]),
        [{**VALIDATION, "at": "2026-04-01T10:00:00-07:00"}],
        {**LETTER, "text": f"Your balance of $500 is unpaid. {NOTICE}", "at": "2026-04-08T10:00:00-07:00"},
        {**LETTER, "at": "2026-04-08T10:00:00-07:00"},
        "US.CA.TIME_BARRED_DISCLOSURE",
        "Cal. Civ. Code § 1788.14(d)",
        None,
    ),
    (
        "NY: time-barred letter allowed with the notice, blocked without",
        _account("NY", "America/New_York", flags=["time_barred"]),
        [{**VALIDATION, "at": "2026-04-01T10:00:00-04:00"}],
        {
            **LETTER,
            "text": "The statute of limitations for this debt may have expired.",
            "at": "2026-04-08T10:00:00-04:00",
        },
        {**LETTER, "at": "2026-04-08T10:00:00-04:00"},
        "US.NY.TIME_BARRED_DISCLOSURE",
        "23 NYCRR 1.3",
        None,
    ),
]


def _check(
    cmd: list[str], tmp: Path, account: dict, history: list[dict], action: dict
) -> subprocess.CompletedProcess[str]:
    acc, act, hist = tmp / "account.json", tmp / "action.json", tmp / "history.jsonl"
    acc.write_text(json.dumps(account), "utf-8")
    act.write_text(json.dumps(action), "utf-8")
    hist.write_text("".join(json.dumps({"account_id": "A1", **h}) + "\n" for h in history), "utf-8")
    args = ["check", "--account", acc, "--history", hist, "--action", act, "--json"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_state_overlay_boundary(arrears_cmd, tmp_path: Path, scenario) -> None:
    _, account, history, allowed, blocked, rule, citation, next_at = scenario
    ok = _check(arrears_cmd, tmp_path, account, history, allowed)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout) == {"allowed": True, "violations": [], "next_allowed_at": None}

    refused = _check(arrears_cmd, tmp_path, account, history, blocked)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    verdict = json.loads(refused.stdout)
    assert [(v["rule"], v["citation"]) for v in verdict["violations"]] == [(rule, citation)]
    assert verdict["next_allowed_at"] == next_at

    # The same action for the same debtor in a state without that overlay: federal rules only.
    elsewhere = _check(arrears_cmd, tmp_path, {**account, "region": "NJ"}, history, blocked)
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr


def test_decide_moves_a_massachusetts_call_past_the_state_limit(arrears_cmd, root: Path, tmp_path: Path) -> None:
    """The gate in `arrears decide` applies the overlay too: the same two calls this week leave
    a New Jersey debtor callable today and push the Massachusetts debtor's call to the day the
    oldest call leaves the seven days."""
    accounts, history = tmp_path / "a.jsonl", tmp_path / "h.jsonl"
    extra = {"dpd": 35, "product": "personal_loan", "currency": "USD"}
    rows = [
        {**_account(region, "America/New_York"), **extra, "account_id": aid, "debtor_id": f"D-{aid}"}
        for aid, region in (("MA1", "MA"), ("NJ1", "NJ"))
    ]
    accounts.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    calls = [{**VALIDATION, "at": "2026-04-01T10:00:00-04:00"},
             *_calls("2026-04-06T10:00:00-04:00", "2026-04-07T10:00:00-04:00")]  # fmt: skip
    history.write_text(
        "".join(json.dumps({"account_id": aid, **c}) + "\n" for aid in ("MA1", "NJ1") for c in calls), "utf-8"
    )
    args = ["decide", "--playbook", root / "playbooks" / "us-consumer-loans.yaml", "--accounts", accounts,
            "--history", history, "--at", "2026-04-08T10:00:00-04:00"]  # fmt: skip
    result = subprocess.run([*arrears_cmd, *map(str, args)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    decisions = {d["account_id"]: d for d in map(json.loads, result.stdout.splitlines())}
    calls_at = {aid: [a["at"] for a in d["actions"] if a["channel"] == "call"] for aid, d in decisions.items()}
    assert calls_at["NJ1"] == ["2026-04-08T10:00:00-04:00"]
    assert calls_at["MA1"] and all(at >= "2026-04-13T08:00:00-04:00" for at in calls_at["MA1"]), calls_at
    assert any("US.MA.CALL_FREQUENCY" in line for line in decisions["MA1"]["explanation"])


def test_a_decision_never_plans_more_phone_contacts_than_the_state_allows(
    arrears_cmd, root: Path, tmp_path: Path
) -> None:
    """Two treatments of one decision are two contacts: after two unanswered calls this week the
    reminder stage plans a call and a voicemail for a Massachusetts debtor; both must wait, and
    not for the same day (each alone would pass the gate there: three phone contacts in seven
    days)."""
    accounts, history = tmp_path / "a.jsonl", tmp_path / "h.jsonl"
    row = {**_account("MA", "America/New_York"), "dpd": 20, "product": "personal_loan", "currency": "USD"}
    accounts.write_text(json.dumps({**row, "account_id": "MA1", "debtor_id": "D-MA1"}) + "\n", "utf-8")
    calls = [{**VALIDATION, "at": "2026-03-01T10:00:00-05:00"},
             *_calls("2026-04-06T10:00:00-04:00", "2026-04-07T10:00:00-04:00")]  # fmt: skip
    history.write_text("".join(json.dumps({"account_id": "MA1", **c}) + "\n" for c in calls), "utf-8")
    for at in ("2026-04-08T10:00:00-04:00", "2026-04-09T10:00:00-04:00"):
        args = ["decide", "--playbook", root / "playbooks" / "us-consumer-loans.yaml", "--accounts", accounts,
                "--history", history, "--at", at]  # fmt: skip
        result = subprocess.run([*arrears_cmd, *map(str, args)], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        decision = json.loads(result.stdout)
        phone = [a["at"] for a in decision["actions"] if a["channel"] in ("call", "voicemail", "sms")]
        assert phone, (at, decision["explanation"])
        past = [c["at"] for c in calls if c["channel"] in ("call", "voicemail", "sms")]
        times = sorted(datetime.fromisoformat(t) for t in [*past, *phone])
        for start in times:  # every rolling seven days holds at most two phone contacts
            assert sum(start <= t < start + timedelta(days=7) for t in times) <= 2, (at, phone, past)
