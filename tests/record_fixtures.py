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


# Users the tests act as: name → role. A name not listed here gets the role of the command it
# first runs (see `role_for`), e.g. `--by alice` on `emergency declare` makes alice an ops user.
DEFAULT_USERS = {
    "admin": "admin",
    "strategist": "strategy_owner",
    "risk-officer": "approver",
    "ops": "ops",
    "ops2": "ops",
    "auditor": "auditor",
    "dialer": "dialer",
}
ROLE_FOR_COMMAND = {
    ("playbook", "activate"): "strategy_owner",
    ("playbook", "approve"): "approver",
    ("playbook", "challenge"): "strategy_owner",
    ("playbook", "promote"): "strategy_owner",
    ("import", None): "ops",
    ("run", "daily"): "ops",
    ("emergency", None): "ops",
    ("events", "ingest"): "ops",
    ("users", None): "admin",
    ("serve", None): "ops",
}
_KEYS: dict[tuple[str, str], tuple[str, str]] = {}  # (db_url, name) → (role, key)


def role_for(args: tuple[str, ...]) -> str | None:
    """The role a test user needs for `arrears ARGS…` (None: a read-only command, no key)."""
    first, second = (args[0] if args else ""), (args[1] if len(args) > 1 else None)
    if first == "emergency" and second in ("status", "notices"):
        return None
    return ROLE_FOR_COMMAND.get((first, second)) or ROLE_FOR_COMMAND.get((first, None))


def user_key(db_url: str, name: str, role: str | None = None) -> str:
    """The API key of test user `name` (created on first use, in-process, on an upgraded schema)."""
    if (db_url, name) not in _KEYS:
        from engine.identity.users import add_user
        from engine.store.db import get_engine, upgrade

        upgrade(db_url)
        role = role or DEFAULT_USERS.get(name, "ops")
        _KEYS[(db_url, name)] = (role, add_user(get_engine(db_url), name, role, "tests")["api_key"])
    return _KEYS[(db_url, name)][1]


def has_users(db_url: str) -> bool:
    return any(url == db_url for url, _ in _KEYS)


def key_for_args(db_url: str, args: tuple[str, ...], user: str | None = None) -> str | None:
    """The key a test runs `arrears ARGS…` with: `user`'s, else the `--by` user's, else the
    default user of the role the command needs; None for read-only commands."""
    role = role_for(args)
    if args[:2] == ("db", "upgrade"):
        return user_key(db_url, user or "admin") if has_users(db_url) else None
    if role is not None and user is None and "--by" in args:
        user = args[args.index("--by") + 1]
    if role is None and user is None:
        return None
    name = user or next(n for n, r in DEFAULT_USERS.items() if r == role)
    return user_key(db_url, name, DEFAULT_USERS.get(name, role))


def cli_env(db_url: str, home: Path, api_url: str | None = None, user: str | None = "ops") -> dict[str, str]:
    """The environment of a CLI subprocess on `db_url`, acting as test user `user` (None: no key)."""
    env = dict(os.environ, ARREARS_DATABASE_URL=db_url, ARREARS_HOME=str(home))
    env.pop("ARREARS_API_KEY", None)
    if user is not None:
        env["ARREARS_API_KEY"] = user_key(db_url, user)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def arrears_exe() -> list[str]:
    exe = Path(sys.executable).parent / "arrears"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "flows.cli"]


Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    """Run `arrears ARGS…` against this test's database; returns the completed process.

    A command that changes the record runs with a test user's key (`key_for_args`): `user=`
    names them, else the command's `--by`, else the default user of the role it needs.
    `key=` gives the key explicitly (`key=""`: none at all)."""

    def run(
        *args: str, api_url: str | None = None, timeout: float = 300, user: str | None = None, key: str | None = None
    ) -> subprocess.CompletedProcess:
        env = cli_env(db_url, tmp_path / "home", api_url, user=None)
        key = key_for_args(db_url, args, user) if key is None else key
        if key:
            env["ARREARS_API_KEY"] = key
        return subprocess.run(
            [*arrears_exe(), *args],
            env=env,
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
