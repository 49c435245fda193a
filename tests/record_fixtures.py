"""Fixtures for the system-of-record tests: a database per test on SQLite and, when
`ARREARS_TEST_POSTGRES_URL` is set, on PostgreSQL too; the real CLI pointed at it; one
Prefect test server per session for the flow tests (its URL handed to CLI subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "ARREARS_TEST_POSTGRES_URL"
CN_PLAYBOOK = ROOT / "playbooks" / "cn-credit-card.yaml"
AT = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
AS_OF = "2026-11-30"


def _pg_admin(url: str) -> tuple[str, str]:
    """(libpq conninfo for psycopg, SQLAlchemy URL without database) from the test URL."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return u.set(drivername="postgresql", database=u.database or "postgres").render_as_string(
        hide_password=False
    ), u.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL of each supported kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'arrears.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL variant skipped")
    import psycopg
    from sqlalchemy.engine import make_url

    admin, _ = _pg_admin(base)
    name = f"arrears_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url
    from engine.store.db import get_engine

    get_engine(url).dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """One Prefect test server for the session; its API URL for CLI subprocesses."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


def cli_env(db_url: str, home: Path, api_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ, ARREARS_DATABASE_URL=db_url, ARREARS_HOME=str(home))
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def arrears_exe() -> list[str]:
    exe = Path(sys.executable).parent / "arrears"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "flows.cli"]


Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    """Run `arrears ARGS…` against this test's database; returns the completed process."""

    def run(*args: str, api_url: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*arrears_exe(), *args],
            env=cli_env(db_url, tmp_path / "home", api_url),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )

    return run


def seed(db_url: str, directory: Path, n: int = 300, approve: bool = True) -> tuple[Path, Path]:
    """Schema, a synthetic portfolio, and the CN playbook activated and approved (in-process, fast)."""
    from engine.store.db import get_engine, upgrade
    from engine.store.imports import import_accounts, import_history
    from engine.store.playbooks import activate
    from engine.store.playbooks import approve as approve_version
    from flows.synthetic import write_portfolio

    upgrade(db_url)
    engine = get_engine(db_url)
    accounts, history = write_portfolio(directory, n, AT)
    import_accounts(engine, accounts)
    import_history(engine, history)
    identity, _ = activate(engine, CN_PLAYBOOK, "strategist")
    if approve:
        approve_version(engine, identity["sha256"], "risk-officer")
    return accounts, history


def outbox_keys(db_url: str) -> list[str]:
    from sqlalchemy import select

    from engine.store.db import get_engine
    from engine.store.models import OutboxContact

    with get_engine(db_url).connect() as conn:
        return list(conn.execute(select(OutboxContact.idempotency_key)).scalars())
