"""Promises to pay through the real CLI: `arrears decide --promises --payments` decides as the
daily run does on the same data, history lines that carry a promise are recorded by `arrears
import history` and read by `decide --history`, and bad lines are refused with exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import record_fixtures as rf
from cli_helpers import assert_refused, run
from record_fixtures import CN_PLAYBOOK, Cli
from sqlalchemy import select
from test_outcomes_daily import DAY, IDS, PAYMENTS, PROMISES, _account

from emergency.guard import hold_for_emergencies
from engine.kpi.daily import compute_and_store_kpis
from engine.kpi.promises import latest_promises
from engine.kpi.queries import kpi_rows
from engine.run.daily import chunk_bounds, process_chunk
from engine.store.db import get_engine, upgrade
from engine.store.imports import import_accounts
from engine.store.models import DecisionRow, Promise
from engine.store.outcomes import import_payments, import_promises
from engine.store.playbooks import activate, approve, loaded_in_force
from engine.store.runs import start_run

db_url, cli = rf.db_url, rf.cli
AT = "2026-11-30T15:00:00+08:00"  # the daily run's evaluation instant below (15:00 in the playbook's zone)


def _lines(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows))
    return path


def _outcome_files(tmp_path: Path) -> tuple[Path, Path]:
    pays = [{"payment_id": p, "account_id": a, "at": at, "amount": amt, "currency": "CNY"}
            for p, a, at, amt in PAYMENTS]  # fmt: skip
    promises = [{"promise_id": p, "account_id": a, "made_at": m, "amount": "300", "due": d, "by": "agent-1"}
                for p, a, m, d in PROMISES]  # fmt: skip
    return _lines(tmp_path / "pr.jsonl", promises), _lines(tmp_path / "p.jsonl", pays)


def _daily(tmp_path: Path, monkeypatch: Any, promises: Path, payments: Path) -> dict[str, dict[str, Any]]:
    monkeypatch.setenv("ARREARS_RUN_LOCAL_TIME", "15:00")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = get_engine(url)
    import_accounts(engine, _lines(tmp_path / "a.jsonl", [_account(i) for i in IDS]))
    import_payments(engine, payments)
    import_promises(engine, promises)
    identity, _ = activate(engine, CN_PLAYBOOK, "strategist")
    approve(engine, identity["sha256"], "risk-officer")
    return _decide_and_compare(engine, {"CN"})


def _decide_and_compare(engine: Any, jurisdictions: set[str]) -> dict[str, dict[str, Any]]:
    """The daily run's decisions and KPI snapshot of DAY; asserts that the KPIs' SQL life cycle
    (each account with its deciding playbook's grace days) gives every promise the decision's state."""
    start_run(engine, "run-1", "run-1", DAY.isoformat(), {}, [])
    for lo, hi in chunk_bounds(engine, jurisdictions, 1000):
        process_chunk(engine, loaded_in_force(engine, None), lo, hi, DAY, "run-1", hold_for_emergencies)
    compute_and_store_kpis(engine, DAY.isoformat())
    with engine.connect() as conn:
        rows = conn.execute(select(DecisionRow.account_id, DecisionRow.decision)).all()
        sql = latest_promises(conn, DAY.isoformat())  # the KPI life cycle
    assert {a: p["state"] for a, p in sql.items()} == {
        a: json.loads(t)["promise"]["state"] for a, t in rows if json.loads(t)["promise"]
    }, "the decisions' life cycle and the KPIs' SQL one disagree"
    return {a: json.loads(text) for a, text in rows}


def test_decide_with_promises_and_payments_decides_as_the_daily_run(
    arrears_cmd: list[str], tmp_path: Path, monkeypatch: Any
) -> None:
    promises, payments = _outcome_files(tmp_path)
    daily = _daily(tmp_path, monkeypatch, promises, payments)
    paid = {a: sum(int(amt) for _, acc, _, amt in PAYMENTS if acc == a) for a in IDS}
    accounts = _lines(tmp_path / "decide.jsonl", [_account(i) | {"balance": str(max(500 - paid[i], 0))} for i in IDS])
    result = run(arrears_cmd, "decide", "--playbook", CN_PLAYBOOK, "--accounts", accounts, "--at", AT,
                 "--promises", promises, "--payments", payments)  # fmt: skip
    assert result.returncode == 0, result.stderr
    decided = {d["account_id"]: d for d in map(json.loads, result.stdout.splitlines())}
    assert decided.keys() == daily.keys()
    for account_id in IDS:
        assert decided[account_id] == daily[account_id], account_id
    states = {a: (d["promise"] or {}).get("state") for a, d in decided.items()}
    assert states == {"CN-PAID": None, "CN-KEPT": "kept", "CN-BROKEN": "broken", "CN-ACTIVE": "active",
                      "CN-PARTIAL": "active", "CN-NONE": None}  # fmt: skip
    # what the shipped playbook does with them: no demand while active, escalation once broken
    assert "pause.promise_active" in decided["CN-ACTIVE"]["fired_rules"]
    assert not [a for a in decided["CN-ACTIVE"]["actions"] if a["kind"] == "payment_demand"]
    assert "priority.promise_broken_recent" in decided["CN-BROKEN"]["fired_rules"]
    assert decided["CN-BROKEN"]["stage"] == "pressure" and decided["CN-KEPT"]["stage"] == "negotiate"


def test_without_outcome_files_decide_has_no_promise(arrears_cmd: list[str], tmp_path: Path) -> None:
    accounts = _lines(tmp_path / "a.jsonl", [_account("CN-ACTIVE")])
    result = run(arrears_cmd, "decide", "--playbook", CN_PLAYBOOK, "--accounts", accounts, "--at", AT)
    assert result.returncode == 0, result.stderr
    (d,) = map(json.loads, result.stdout.splitlines())
    assert d["promise"] is None and "pause.promise_active" not in d["fired_rules"]


HISTORY_PROMISE = {
    "account_id": "CN-ACTIVE",
    "at": "2026-11-28T10:00:00+08:00",
    "channel": "call",
    "outcome": "conversation",
    "by": "agent-7",
    "promise": {"amount": "300", "due": "2026-12-01"},
}


def test_a_history_line_promise_is_recorded_once_and_decided_on(cli: Cli, arrears_cmd: list[str], tmp_path: Path,
                                                              db_url: str) -> None:  # fmt: skip
    accounts = _lines(tmp_path / "a.jsonl", [_account("CN-ACTIVE")])
    history = _lines(tmp_path / "h.jsonl", [HISTORY_PROMISE])
    assert cli("import", "accounts", str(accounts)).returncode == 0
    for _ in range(2):  # idempotent: the same line, the same derived promise_id
        result = cli("import", "history", str(history))
        assert result.returncode == 0, result.stderr
    p = Promise.__table__
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(select(p.c.promise_id, p.c.made_at, p.c.due_date, p.c.amount, p.c.body)).all()
    assert len(rows) == 1
    promise_id, made_at, due, amount, body = rows[0]
    assert promise_id.startswith("h-") and (due, amount) == ("2026-12-01", "300")
    assert made_at == "2026-11-28T02:00:00+00:00" and json.loads(body)["by"] == "agent-7"
    result = run(arrears_cmd, "decide", "--playbook", CN_PLAYBOOK, "--accounts", accounts, "--history", history,
                 "--at", AT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    (d,) = map(json.loads, result.stdout.splitlines())
    assert d["promise"] == {"promise_id": promise_id, "state": "active", "due": "2026-12-01", "amount": "300"}
    assert "treatment.promise_due_reminder" in d["fired_rules"]  # due tomorrow (2026-12-01)


def test_a_history_promise_with_other_content_under_the_same_id_is_refused(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", "accounts", str(_lines(tmp_path / "a.jsonl", [_account("CN-ACTIVE")]))).returncode == 0
    named = HISTORY_PROMISE | {"promise": {"amount": "300", "due": "2026-12-01", "promise_id": "R-1"}}
    assert cli("import", "history", str(_lines(tmp_path / "h1.jsonl", [named]))).returncode == 0
    other = named | {"at": "2026-11-29T10:00:00+08:00"}
    problems = assert_refused(cli("import", "history", str(_lines(tmp_path / "h2.jsonl", [other]))))
    assert problems[0]["line"] == "1" and "R-1" in problems[0]["message"]


def _refused(arrears_cmd: list[str], tmp_path: Path, *options: str | Path) -> list[dict[str, str]]:
    accounts = _lines(tmp_path / "a.jsonl", [_account("CN-ACTIVE")])
    out = tmp_path / "out.jsonl"
    result = run(arrears_cmd, "decide", "--playbook", CN_PLAYBOOK, "--accounts", accounts, "--at", AT,
                 "--out", out, *options)  # fmt: skip
    assert not out.exists(), "bad input must not leave an output file"
    return assert_refused(result)


def _pr(**extra: Any) -> dict[str, Any]:
    return {"promise_id": "R1", "account_id": "CN-ACTIVE", "made_at": "2026-11-28T10:00:00+08:00", "amount": "300",
            "due": "2026-12-05"} | extra  # fmt: skip


def _pay(**extra: Any) -> dict[str, Any]:
    return {"payment_id": "Y1", "account_id": "CN-ACTIVE", "at": "2026-11-28T10:00:00+08:00", "amount": "100",
            "currency": "CNY"} | extra  # fmt: skip


def test_decide_refuses_bad_promise_lines(arrears_cmd: list[str], tmp_path: Path) -> None:
    cases = [
        ([_pr(), _pr(promise_id="R2", due="2026-02-30")], "2", "due"),
        ([_pr(amount="-5")], "1", "amount"),
        ([_pr(amount="1.001")], "1", "amount"),  # CNY has 2 decimal places, as on import
        ([_pr(), "{not json"], "2", "JSON"),
        ([_pr(), _pr(amount="400")], "2", "R1"),  # one id, other content
        ([_pr(account_id="NOBODY")], "1", "account_id"),
        ([_pr(colour="red")], "1", "colour"),
    ]
    for n, (rows, line, needle) in enumerate(cases):
        path = _lines(tmp_path / f"pr{n}.jsonl", rows)
        (problem, *_) = _refused(arrears_cmd, tmp_path, "--promises", path)
        assert (problem["file"], problem["line"]) == (str(path), line), (rows, problem)
        assert needle in problem["message"], (rows, problem)


def test_decide_refuses_bad_payment_and_history_promise_lines(arrears_cmd: list[str], tmp_path: Path) -> None:
    pays = _lines(tmp_path / "p.jsonl", [_pay(), _pay(payment_id="Y2", currency="USD")])
    (problem, *_) = _refused(arrears_cmd, tmp_path, "--payments", pays)
    assert problem["line"] == "2" and problem["message"].startswith("currency"), problem
    pays = _lines(tmp_path / "p2.jsonl", [_pay(amount="0")])
    (problem, *_) = _refused(arrears_cmd, tmp_path, "--payments", pays)
    assert problem["line"] == "1" and "amount" in problem["message"], problem
    history = _lines(tmp_path / "h.jsonl", [HISTORY_PROMISE | {"promise": {"amount": "300", "due": "tomorrow"}}])
    (problem, *_) = _refused(arrears_cmd, tmp_path, "--history", history)
    assert (problem["file"], problem["line"]) == (str(history), "1") and "promise" in problem["message"], problem


def test_the_promise_day_is_the_business_date_in_the_playbook_zone(arrears_cmd: list[str], tmp_path: Path) -> None:
    """23:30 UTC on 11-30 is 12-01 in Shanghai: a promise due 12-01 is due today, not tomorrow."""
    accounts = _lines(tmp_path / "a.jsonl", [_account("CN-ACTIVE")])
    promises = _lines(tmp_path / "pr.jsonl", [_pr(due="2026-12-01")])
    for at, reminder in (("2026-11-30T15:00:00+08:00", True), ("2026-11-30T23:30:00+00:00", False)):
        result = run(arrears_cmd, "decide", "--playbook", CN_PLAYBOOK, "--accounts", accounts, "--at", at,
                     "--promises", promises)  # fmt: skip
        assert result.returncode == 0, result.stderr
        (d,) = map(json.loads, result.stdout.splitlines())
        assert ("treatment.promise_due_reminder" in d["fired_rules"]) is reminder, (at, d["fired_rules"])


def test_validate_refuses_bad_promise_settings_and_conditions(arrears_cmd: list[str], tmp_path: Path) -> None:
    from cli_helpers import PLAYBOOK, position, write_playbook

    cases = [
        (PLAYBOOK + "promises: {grace_days: 31}\n", "grace_days: 31", "grace_days"),
        (PLAYBOOK + "promises: {grace_days: 2, grace: 1}\n", "grace: 1", "grace"),
        (PLAYBOOK.replace("when: dpd >= 31, points: 20", "when: \"promise.state == 'activ'\", points: 20"),
         "promise.state", "promise.state is one of"),
        (PLAYBOOK.replace("when: dpd >= 31, points: 20", 'when: "promises_broken(days=0) >= 1", points: 20'),
         "promises_broken", "days"),
        (PLAYBOOK.replace("when: dpd >= 31, points: 20", 'when: "paid >= 1", points: 20'), "paid >= 1", "paid"),
        (PLAYBOOK.replace("when: dpd >= 31, points: 20", "when: \"promise.days_to_due == 'soon'\", points: 20"),
         "promise.days_to_due", "number"),
    ]  # fmt: skip
    for n, (text, needle, message) in enumerate(cases):
        folder = tmp_path / f"pb{n}"
        folder.mkdir()
        path = write_playbook(folder, text)
        (problem, *_) = assert_refused(run(arrears_cmd, "validate", path))
        line, _ = position(text, needle)
        assert int(problem["line"]) == line and message in problem["message"], (n, problem)


# Three playbooks, three grace days (CN 1, US 2, UK 3): per jurisdiction, four accounts owe
# 300 promised on 2026-11-27 (made 11-20); the whole 300 is paid on due + 1, + 2, + 3, or never.
# On DAY (11-30 = due + 3) each decision's promise state, and the KPIs', is:
GRACE_STATES = {
    "CN": {"+1": "kept", "+2": "broken", "+3": "broken", "never": "broken"},  # broken from 11-29
    "US": {"+1": "kept", "+2": "kept", "+3": "broken", "never": "broken"},  # broken from 11-30
    "UK": {"+1": "kept", "+2": "kept", "+3": "kept", "never": "active"},  # broken from 12-01
}
ZONE = {"CN": ("CNY", "Asia/Shanghai", "+8613800138000"), "US": ("USD", "America/New_York", "+12025550143"),
        "UK": ("GBP", "Europe/London", "+447700900123")}  # fmt: skip


def _graced_account(j: str, late: str) -> dict[str, Any]:
    currency, zone, phone = ZONE[j]
    return {**_account(f"{j}-{late}"), "jurisdiction": j, "currency": currency, "timezone": zone,
            "product": "credit_card" if j == "CN" else "personal_loan",
            "phones": [{"number": phone, "owner": "debtor"}]}  # fmt: skip


def test_kpis_keep_and_break_promises_with_each_playbooks_grace_as_decisions_do(tmp_path: Path, db_url: str) -> None:
    upgrade(db_url)
    engine = get_engine(db_url)
    accounts = [_graced_account(j, late) for j in GRACE_STATES for late in GRACE_STATES[j]]
    import_accounts(engine, _lines(tmp_path / "a.jsonl", accounts))
    pays = [{"payment_id": f"Y-{a['account_id']}", "account_id": a["account_id"], "amount": "300",
             "at": f"2026-11-{27 + int(a['account_id'][-1])}T10:00:00+00:00", "currency": a["currency"]}
            for a in accounts if not a["account_id"].endswith("never")]  # fmt: skip
    import_payments(engine, _lines(tmp_path / "p.jsonl", pays))
    promises = [{"promise_id": f"R-{a['account_id']}", "account_id": a["account_id"], "amount": "300",
                 "made_at": "2026-11-20T10:00:00+00:00", "due": "2026-11-27", "by": "agent-1"}
                for a in accounts]  # fmt: skip
    import_promises(engine, _lines(tmp_path / "pr.jsonl", promises))
    for playbook in ("cn-credit-card.yaml", "us-consumer-loans.yaml", "uk-consumer-credit.yaml"):
        identity, _ = activate(engine, CN_PLAYBOOK.parent / playbook, "strategist")
        approve(engine, identity["sha256"], "risk-officer")
    decided = _decide_and_compare(engine, set(GRACE_STATES))
    assert {a: d["promise"]["state"] for a, d in decided.items()} == {
        f"{j}-{late}": state for j, states in GRACE_STATES.items() for late, state in states.items()
    }
    # the KPIs over [11-28, 11-30] count each promise kept or broken on the day the decisions do
    # (CN +1 kept 11-28, broken 11-29; US +1, +2 kept 11-28, 11-29, broken 11-30; UK kept 11-28..30)
    with engine.connect() as conn:
        counts = {r["group"]: (r["promises_kept"], r["promises_broken"])
                  for r in kpi_rows(conn, "2026-11-28", DAY.isoformat(), "jurisdiction")}  # fmt: skip
    assert counts == {"CN": (1, 3), "US": (2, 2), "UK": (3, 0)}
