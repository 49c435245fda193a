"""Connecting to the system of record, and bringing its schema up to date.

SQLite is the embedded default. Two things make it safe for concurrent daily runs: WAL mode
(readers never block the writer) and `BEGIN IMMEDIATE` on every transaction, so a writer
takes the lock up front and waits for it (busy timeout) instead of failing half-way when
two processes both try to upgrade a read lock. PostgreSQL needs neither.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from engine.contracts.errors import InputError
from engine.settings import arrears_home, database_url
from engine.store.money import decimal_units

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 120_000


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below be the only one
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        # exact amounts for SQL sums (engine.store.money): SQLite has no decimal type
        dbapi_conn.create_function("decimal_units", 1, decimal_units, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default: the configured database)."""
    url = url or database_url()
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_pragmas(eng)
        return eng
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for the configured database (one pool per URL)."""
    return make_engine(url or database_url())


# Every module that maps a table on `Base`. The store may not import `emergency` (layering), so
# the migration environment imports these by name: autogenerate then sees one metadata with
# every table. tests/test_migrations_drift.py fails when a table module is missing here.
TABLE_MODULES: tuple[str, ...] = (
    "engine.store.models",
    "engine.store.allocations",
    "emergency.tables",
    "engine.identity.tables",
    "engine.store.model_store",
)


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    cfg.attributes["table_modules"] = TABLE_MODULES
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_alembic_config("")).get_current_head())


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str | None = None) -> tuple[str | None, str]:
    """Create or migrate the schema to the newest revision; returns (before, after)."""
    from alembic import command

    url = url or database_url()
    arrears_home().mkdir(parents=True, exist_ok=True)
    engine = get_engine(url)
    before = current_revision(engine)
    command.upgrade(_alembic_config(url), "head")
    return before, head_revision()


def ready_engine() -> Engine:
    """The configured engine with an up-to-date schema.

    A database with no tables at all (a fresh home) is created on the spot; one at an older
    revision is a user error: migrating is a deliberate step (`arrears db upgrade`).
    """
    engine = get_engine()
    if not inspect(engine).get_table_names():
        upgrade()
        return engine
    current, head = current_revision(engine), head_revision()
    if current != head:
        message = f"database schema is at {current}, this Arrears needs {head}: run `arrears db upgrade`"
        raise InputError.at(database_url(), 0, 0, message)
    return engine
