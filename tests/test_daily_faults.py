"""Fault injection on the daily run: each fault ends in a clear failure, a rerun completes,
and afterwards the contacts are exactly those of an undisturbed run: every outbox row
dispatched, none written twice, none handed to the gateway twice, none missing.

The chunk and relay tasks are driven through their bodies (`.fn`, no Prefect server) on
SQLite, and on PostgreSQL when `ARREARS_TEST_POSTGRES_URL` is set; the faults that live in
the flow or the CLI (dispatcher failing in a real run, Prefect API unreachable) run the CLI.
"""

from __future__ import annotations

import errno
import json
import pathlib
import socket
import subprocess
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import record_fixtures as rf
from record_fixtures import AS_OF, ROOT, arrears_exe, cli_env, outbox_keys, seed
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import engine.run.daily as run_daily
import flows.daily as daily
import flows.relay as flows_relay
from emergency.guard import hold_for_emergencies
from engine.run.daily import chunk_bounds
from engine.run.relay import relay_pending
from engine.store.db import get_engine
from engine.store.models import FlowRunRow, OutboxDispatch
from engine.store.playbooks import loaded_in_force
from engine.store.upsert import upsert as real_upsert
from flows.dispatch.jsonl_file import JsonlFileDispatcher

db_url, prefect_api = rf.db_url, rf.prefect_api
N, CHUNK = 120, 30


class Gateway:
    """A dispatcher that records what it accepted and fails while `failing` says so."""

    name = "recording"

    def __init__(self, failing: int = 0) -> None:
        self.failing, self.calls, self.accepted = failing, 0, []

    def send(self, contacts: Sequence[dict[str, Any]]) -> int:
        self.calls += 1
        if self.failing < 0 or self.calls <= self.failing:
            raise ConnectionError("gateway 503: try later")
        self.accepted.extend(c["idempotency_key"] for c in contacts)
        return len(contacts)


def _use(monkeypatch: pytest.MonkeyPatch, url: str, gateway: Any) -> None:
    monkeypatch.setattr(daily, "ready_engine", lambda: get_engine(url))
    monkeypatch.setattr(flows_relay, "ready_engine", lambda: get_engine(url))
    monkeypatch.setattr(flows_relay, "get_dispatcher", lambda spec: gateway)
    monkeypatch.setattr(flows_relay, "RELAY_BACKOFF", 0.0)


def _run_day(url: str, run_id: str) -> dict[str, Any]:
    """What the flow does between its run record's start and finish: every chunk, then the final relay."""
    engine = get_engine(url)
    playbooks = loaded_in_force(engine, None)
    jurisdictions = {j for p in playbooks for j in p.playbook.applies_to.jurisdictions}
    shas = [p.sha256 for p in playbooks]
    for lo, hi in chunk_bounds(engine, jurisdictions, CHUNK):
        daily.decide_chunk_task.fn(shas, lo, hi, AS_OF, run_id, "test")
    return flows_relay.relay_task.fn(AS_OF, "test")


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The contacts of an undisturbed run on a fresh database."""
    directory = tmp_path_factory.mktemp("clean")
    url = f"sqlite:///{directory / 'clean.sqlite'}"
    seed(url, directory, N)
    gateway = Gateway()
    with pytest.MonkeyPatch.context() as mp:
        _use(mp, url, gateway)
        assert _run_day(url, "clean")["pending"] == 0
    keys = set(outbox_keys(url))
    assert keys and sorted(gateway.accepted) == sorted(keys)
    get_engine(url).dispose()
    return keys


def _dispatch_state(url: str) -> list[dict[str, Any]]:
    with get_engine(url).connect() as conn:
        return [dict(r) for r in conn.execute(select(OutboxDispatch.__table__)).mappings()]


def _assert_exactly(url: str, expected: set[str], sent: list[str]) -> None:
    keys = outbox_keys(url)
    assert len(keys) == len(set(keys)) and set(keys) == expected, "outbox differs from an undisturbed run"
    assert len(sent) == len(set(sent)), "a contact went to the gateway twice"
    assert set(sent) == expected, "a contact never reached the gateway"
    assert all(r["dispatched_at"] for r in _dispatch_state(url))


def test_dispatcher_raising_leaves_contacts_pending_then_rerun_sends_them(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: set[str]
) -> None:
    seed(db_url, tmp_path, N)
    down = Gateway(failing=-1)
    _use(monkeypatch, db_url, down)
    first = _run_day(db_url, "run-1")
    assert first["pending"] == len(expected) and first["relayed"] == 0
    assert "ConnectionError: gateway 503" in first["last_error"]
    state = _dispatch_state(db_url)
    assert all(r["dispatched_at"] is None and r["attempts"] >= 1 and r["last_error"] for r in state)
    assert all(r["claimed_until"] is None for r in state), "a failed relay must release its claim"
    up = Gateway()
    _use(monkeypatch, db_url, up)
    again = _run_day(db_url, "run-2")
    assert again["pending"] == 0
    _assert_exactly(db_url, expected, up.accepted)


def test_dispatcher_failing_twice_is_retried_with_back_off(db_url: str, tmp_path: Path) -> None:
    seed(db_url, tmp_path, 40)
    engine = get_engine(db_url)
    playbooks = loaded_in_force(engine, None)
    for lo, hi in chunk_bounds(engine, {"CN"}, 1000):
        run_daily.process_chunk(engine, playbooks, lo, hi, date.fromisoformat(AS_OF), "r", hold_for_emergencies)
    waits: list[float] = []
    gateway = Gateway(failing=2)
    result = relay_pending(engine, AS_OF, gateway.send, tries=3, backoff=0.25, sleep=waits.append)
    assert waits == [0.25, 0.5] and result.failed_attempts == 2 and result.sent == len(outbox_keys(db_url)) > 0
    assert {r["attempts"] for r in _dispatch_state(db_url)} == {3}
    assert {r["last_error"] for r in _dispatch_state(db_url)} == {None}


def _drop_connection_in_chunk(monkeypatch: pytest.MonkeyPatch, chunk: int, times: int) -> list[int]:
    """Make the `chunk`-th chunk's transaction lose its connection just before it commits,
    `times` times (every row of the chunk already sent to the server)."""
    real, seen, drops = run_daily.upsert, [0], [0]

    def upsert(conn: Any, table: Any, rows: Any, keys: Any) -> Any:
        out = real(conn, table, rows, keys)
        if table.name == "assignments":
            seen[0] += 1
            if seen[0] >= chunk and drops[0] < times:
                drops[0] += 1
                raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
        return out

    monkeypatch.setattr(run_daily, "upsert", upsert)
    return drops


def test_connection_dropped_mid_chunk_fails_clearly_then_rerun_completes(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: set[str]
) -> None:
    seed(db_url, tmp_path, N)
    gateway = Gateway()
    _use(monkeypatch, db_url, gateway)
    _drop_connection_in_chunk(monkeypatch, chunk=2, times=10**6)
    with pytest.raises(OperationalError, match="server closed the connection"):
        _run_day(db_url, "run-1")
    written = set(outbox_keys(db_url))
    assert 0 < len(written) < len(expected), "the fault did not land mid-run"
    assert all(r["dispatched_at"] for r in _dispatch_state(db_url)), "the first chunk was relayed"
    monkeypatch.setattr(run_daily, "upsert", real_upsert)
    assert _run_day(db_url, "run-2")["pending"] == 0
    _assert_exactly(db_url, expected, gateway.accepted)


def test_connection_dropped_once_is_retried_within_the_chunk(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: set[str]
) -> None:
    seed(db_url, tmp_path, N)
    gateway = Gateway()
    _use(monkeypatch, db_url, gateway)
    drops = _drop_connection_in_chunk(monkeypatch, chunk=2, times=1)
    assert _run_day(db_url, "run-1")["pending"] == 0
    assert drops == [1]
    _assert_exactly(db_url, expected, gateway.accepted)


def test_disk_full_writing_the_gateway_file_then_rerun(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: set[str]
) -> None:
    seed(db_url, tmp_path, N)
    out = tmp_path / "gateway" / "contacts.jsonl"
    _use(monkeypatch, db_url, JsonlFileDispatcher(out))
    real_open = pathlib.Path.open

    def full_disk_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        if self != out:
            return handle

        class Full:
            def __getattr__(self, name: str) -> Any:
                return getattr(handle, name)

            def __enter__(self) -> Any:
                return self

            def __exit__(self, *exc: object) -> None:
                handle.close()

            def write(self, data: bytes) -> int:
                handle.write(data[: len(data) // 2])  # part of the batch reaches the disk
                raise OSError(errno.ENOSPC, "No space left on device")

        return Full()

    monkeypatch.setattr(pathlib.Path, "open", full_disk_open)
    first = _run_day(db_url, "run-1")
    assert first["pending"] == len(expected) and "No space left on device" in first["last_error"]
    assert not out.exists() or out.read_bytes() == b"", "half a batch was left in the file"
    monkeypatch.setattr(pathlib.Path, "open", real_open)
    assert _run_day(db_url, "run-2")["pending"] == 0
    sent = [json.loads(line)["idempotency_key"] for line in out.read_text(encoding="utf-8").splitlines()]
    _assert_exactly(db_url, expected, sent)


# -- through the CLI: a real flow run ---------------------------------------------------------
def _cli(url: str, home: Path, api: str | None, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*arrears_exe(), *args], env=cli_env(url, home, api), capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def _run_record(url: str) -> list[dict[str, Any]]:
    with get_engine(url).connect() as conn:
        return [dict(r) for r in conn.execute(select(FlowRunRow.__table__).order_by(FlowRunRow.started)).mappings()]


@pytest.mark.slow
def test_cli_run_with_a_failing_dispatcher_fails_then_rerun_sends_each_contact_once(
    tmp_path: Path, prefect_api: str, expected: set[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    seed(url, tmp_path / "pf", N)
    broken = tmp_path / "not-a-file"
    broken.mkdir()  # the gateway "file" is a directory: every send raises IsADirectoryError
    first = _cli(
        url,
        tmp_path / "home",
        prefect_api,
        "run",
        "daily",
        "--as-of",
        AS_OF,
        "--json",
        "--dispatcher",
        f"file:{broken}",
    )
    assert first.returncode == 1, first.stderr
    assert f"{len(expected)} contacts of {AS_OF} are recorded but not yet dispatched" in first.stderr
    assert "IsADirectoryError" in first.stderr and "Traceback" not in first.stderr
    record = _run_record(url)
    assert [r["state"] for r in record] == ["COMPLETED_WITH_PENDING"] and record[0]["pending"] == len(expected)
    out = tmp_path / "gateway.jsonl"
    again = _cli(
        url, tmp_path / "home", prefect_api, "run", "daily", "--as-of", AS_OF, "--json", "--dispatcher", f"file:{out}"
    )
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["state"] == "COMPLETED" and summary["dispatched"] == 0 and summary["pending"] == 0
    sent = [json.loads(line)["idempotency_key"] for line in out.read_text(encoding="utf-8").splitlines()]
    _assert_exactly(url, expected, sent)
    runs = json.loads(_cli(url, tmp_path / "home", None, "audit", "runs", "--json").stdout)
    assert [(r["state"], r["pending"]) for r in runs] == [("COMPLETED_WITH_PENDING", len(expected)), ("COMPLETED", 0)]


@pytest.mark.slow
def test_cli_run_with_the_prefect_api_unreachable_fails_clearly_then_rerun_completes(
    tmp_path: Path, prefect_api: str, expected: set[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    seed(url, tmp_path / "pf", N)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/api"
    down = _cli(url, tmp_path / "home", closed, "run", "daily", "--as-of", AS_OF, "--json")
    assert down.returncode == 1 and "Traceback" not in down.stderr
    assert f"cannot reach the Prefect API at {closed}" in down.stderr and "nothing was run or written" in down.stderr
    assert outbox_keys(url) == [] and _run_record(url) == []
    up = _cli(url, tmp_path / "home", prefect_api, "run", "daily", "--as-of", AS_OF, "--json")
    assert up.returncode == 0, up.stderr
    assert json.loads(up.stdout)["dispatched"] == len(expected)
    keys = outbox_keys(url)
    assert len(keys) == len(set(keys)) and set(keys) == expected
    assert all(r["dispatched_at"] for r in _dispatch_state(url))


def test_waiting_contacts_are_not_sent_while_an_emergency_declared_since_is_in_force(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: set[str]
) -> None:
    """Written before the declaration, still waiting (gateway down): withheld until it is stood down."""
    from emergency.plan import load_plan
    from emergency.repository import SqlEmergencyRepository
    from emergency.service import declare, stand_down

    seed(db_url, tmp_path, N)
    _use(monkeypatch, db_url, Gateway(failing=-1))
    assert _run_day(db_url, "run-1")["pending"] == len(expected)
    repo = SqlEmergencyRepository(get_engine(db_url))
    record = declare(repo, load_plan(), tier=1, scope="jurisdiction=CN", reason="breach", by="alice")
    gateway = Gateway()
    _use(monkeypatch, db_url, gateway)
    held = flows_relay.relay_task.fn(AS_OF, "test")
    assert gateway.accepted == [] and held["withheld"] == held["pending"] == len(expected)
    assert {r["last_error"].split(":")[0] for r in _dispatch_state(db_url)} == {"withheld by EMERGENCY.TIER1"}
    stand_down(repo, load_plan(), record.emergency_id, ["alice", "bob"], "over")
    assert flows_relay.relay_task.fn(AS_OF, "test")["pending"] == 0
    _assert_exactly(db_url, expected, gateway.accepted)


def test_migration_0004_records_earlier_contacts_as_dispatched(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contacts written before the relay existed were sent then: the relay must not send them again."""
    from alembic import command

    from engine.store.db import _alembic_config

    seed(db_url, tmp_path, 40)
    gateway = Gateway()
    _use(monkeypatch, db_url, gateway)
    _run_day(db_url, "before")
    written = outbox_keys(db_url)
    command.downgrade(_alembic_config(db_url), "0003_emergency_events")
    command.upgrade(_alembic_config(db_url), "0004_outbox_relay")
    state = _dispatch_state(db_url)
    assert sorted(r["idempotency_key"] for r in state) == sorted(written) and all(r["dispatched_at"] for r in state)
    command.upgrade(_alembic_config(db_url), "head")
    late = Gateway()
    _use(monkeypatch, db_url, late)
    assert _run_day(db_url, "after")["pending"] == 0 and late.accepted == []
