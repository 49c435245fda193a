"""`arrears api` (issue #14): the contract's endpoints, 401/403/422 as problem details, the
same verdict as `arrears check`, emergencies seen by the next check, Tier-1 stand-down by two
users, history and payments onto the record, worklists, key revocation and rate limits."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fixtures import CN_ACCOUNT, DAY_CALL, Api, make_api
from record_fixtures import ROOT

HISTORY = [{"account_id": "A1", "at": f"2026-05-11T0{h}:00:00+08:00", "channel": "call", "outcome": "connected"}
           for h in (8, 9)] + [{"account_id": "A2", "at": "2026-05-11T09:30:00+08:00", "channel": "call",
                                "outcome": "conversation"}]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Api]:
    yield from make_api(monkeypatch, tmp_path)


def _check(api: Api, user: str = "dialer", history: list[dict] | None = None, account: dict | None = None):
    body = {"account": account or CN_ACCOUNT, "history": history or [], "action": DAY_CALL}
    return api.call("POST", "/v1/check", user=user, json=body)


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_401_without_or_with_a_wrong_key_403_for_a_role_without_the_right(api: Api) -> None:
    _problem(api.call("POST", "/v1/check", user=None, json={}), 401)
    wrong = {"Authorization": "Bearer arr_0123456789ab_" + "x" * 43}
    bad = api.call("GET", "/v1/emergencies", user=None, headers=wrong)
    _problem(bad, 401)
    assert "admin" in _problem(_check(api, user="admin"), 403)["detail"]
    declare = {"tier": 2, "scope": "collector=c7", "reason": "r"}
    assert "ops" in _problem(api.call("POST", "/v1/emergencies", user="dialer", json=declare), 403)["detail"]
    _problem(api.call("POST", "/v1/history", user="auditor", json=[]), 403)


def test_422_names_the_field(api: Api) -> None:
    body = _problem(_check(api, account={**CN_ACCOUNT, "balance": "lots"}), 422)
    assert ["body", "account", "balance"] in [e["loc"] for e in body["errors"]]
    body = _problem(api.call("GET", "/v1/worklists/c7", params={"date": "2026-02-30"}), 422)
    assert body["errors"][0]["loc"] == ["query", "date"]
    unknown = [{"payment_id": "P1", "account_id": "NOPE", "at": "2026-05-11T10:00:00+08:00", "amount": "1.00",
                "currency": "CNY"}]
    body = _problem(api.call("POST", "/v1/payments", json=unknown), 422)
    assert body["errors"][0]["loc"] == ["body", 0]


def test_check_answers_the_verdict_arrears_check_prints(api: Api, tmp_path: Path) -> None:
    got = _check(api, history=HISTORY)
    assert got.status_code == 200
    files = {n: tmp_path / f"{n}.json" for n in ("account", "action")}
    files["account"].write_text(json.dumps(CN_ACCOUNT))
    files["action"].write_text(json.dumps(DAY_CALL))
    (tmp_path / "h.jsonl").write_text("\n".join(json.dumps(h) for h in HISTORY) + "\n")
    env_db = {**os.environ, "ARREARS_DATABASE_URL": api.url, "PYTHONPATH": str(ROOT)}
    cli = subprocess.run([sys.executable, "-m", "flows.cli", "check", "--account", str(files["account"]), "--action",
                          str(files["action"]), "--history", str(tmp_path / "h.jsonl"), "--json"],
                         capture_output=True, text=True, timeout=120, env=env_db)
    assert cli.returncode == 1, cli.stderr
    assert got.json() == json.loads(cli.stdout) and got.json()["allowed"] is False
    assert _check(api).json() == {"allowed": True, "violations": [], "next_allowed_at": None}


def test_an_emergency_declared_is_seen_by_the_next_check_and_tier1_stands_down_with_two_users(api: Api) -> None:
    assert _check(api).json()["allowed"] is True
    made = api.call("POST", "/v1/emergencies", json={"tier": 1, "scope": "all", "reason": "regulator call"})
    declared_at = time.monotonic()
    assert made.status_code == 201, made.text
    eid = made.json()["emergency_id"]
    verdict = _check(api).json()
    seen_after = time.monotonic() - declared_at
    assert verdict["allowed"] is False and seen_after <= 1.0
    assert [e["emergency_id"] for e in api.call("GET", "/v1/emergencies", user="auditor").json()] == [eid]
    first = api.call("POST", f"/v1/emergencies/{eid}/stand-down", json={"reason": "over"})
    assert first.status_code == 200 and first.json()["pending"]["by"] == ["ops"]
    assert _check(api).json()["allowed"] is False  # one signature stands nothing down
    _problem(api.call("POST", f"/v1/emergencies/{eid}/stand-down", json={"reason": "again"}), 422)
    done = api.call("POST", f"/v1/emergencies/{eid}/stand-down", user="ops2", json={})
    assert done.status_code == 200 and done.json()["state"] == "stood_down", done.text
    assert _check(api).json()["allowed"] is True
    _problem(api.call("POST", "/v1/emergencies/EM-20260101-deadbeef/stand-down", json={"reason": "r"}), 404)


def test_history_and_payments_go_onto_the_record(api: Api, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from engine.store.db import get_engine
    from engine.store.imports import import_accounts
    from engine.store.models import AccountRow, ContactHistoryRow

    (tmp_path / "acc.jsonl").write_text(json.dumps({**CN_ACCOUNT, "currency": "CNY"}) + "\n")
    import_accounts(get_engine(api.url), tmp_path / "acc.jsonl")
    posted = api.call("POST", "/v1/history", user="dialer", json=HISTORY)
    assert posted.json() == {"kind": "history", "records": 3, "new": 3, "updated": 0, "unchanged": 0}
    assert api.call("POST", "/v1/history", user="dialer", json=HISTORY).json()["unchanged"] == 3
    pay = [{"payment_id": "P1", "account_id": "A1", "at": "2026-05-11T10:00:00+08:00", "amount": "500.00",
            "currency": "CNY"}]
    paid = api.call("POST", "/v1/payments", json=pay)
    assert paid.status_code == 200, paid.text
    assert paid.json()["new"] == 1
    with get_engine(api.url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(ContactHistoryRow)).scalar_one() == 3
        balance = conn.execute(select(AccountRow.balance).where(AccountRow.account_id == "A1")).scalar_one()
    assert str(balance) in ("7500.00", "7500")


def test_worklist_of_a_date_without_allocations_is_empty(api: Api) -> None:
    got = api.call("GET", "/v1/worklists/c7", user="auditor", params={"date": "2026-11-30"})
    assert got.status_code == 200 and got.json() == []


def test_a_disabled_user_is_refused_at_the_next_request_despite_the_cache(api: Api) -> None:
    from engine.identity.users import disable
    from engine.store.db import get_engine

    assert _check(api).status_code == 200  # verified and cached
    disable(get_engine(api.url), "dialer", "admin")
    assert "disabled" in _problem(_check(api), 401)["detail"]


def test_request_id_echoed_and_logged_without_personal_data(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="arrears.api"):
        got = api.call("POST", "/v1/check", user="dialer", headers={"X-Request-ID": "req-42"},
                       json={"account": CN_ACCOUNT, "history": [], "action": DAY_CALL})
    assert got.headers["X-Request-ID"] == "req-42"
    lines = [r.getMessage() for r in caplog.records if r.name == "arrears.api"]
    assert any("request_id=req-42" in x and "status=200" in x and "user=dialer" in x for x in lines)
    assert not any("A1" in x or "D1" in x or "8000" in x for x in lines)


def test_check_is_rate_limited_per_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for api in make_api(monkeypatch, tmp_path, rate=0.5, burst=2):
        assert [_check(api).status_code for _ in range(3)] == [200, 200, 429]
        assert _check(api, user="ops").status_code == 200  # another key has its own bucket


def test_health_and_readiness(api: Api) -> None:
    assert api.call("GET", "/healthz", user=None).json() == {"status": "ok"}
    ready = api.call("GET", "/readyz", user=None)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
