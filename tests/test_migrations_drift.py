"""The models and the migrations agree: a database upgraded with `engine/store/migrations`
has exactly the schema the SQLAlchemy models describe (Alembic's autogenerate comparison
finds nothing to change), on SQLite and, when `ARREARS_TEST_POSTGRES_URL` is set, PostgreSQL.

Every module of the project that maps a table is imported first (found by reading the
source, so a new table module cannot be forgotten): they all share `engine.store.models.Base`,
one metadata.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import record_fixtures as rf
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table

from engine.store.db import get_engine, upgrade
from engine.store.models import Base

ROOT = Path(__file__).resolve().parent.parent
db_url = rf.db_url


def _maps_a_table(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in targets):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Table":
            # SQLAlchemy's Table(name, Base.metadata, ...): not a rich.table.Table(title=...), nor
            # a temporary work table on a fresh MetaData() of its own
            shared = len(node.args) >= 2 and not isinstance(node.args[1], ast.Call)
            if shared and "metadata" in ast.unparse(node.args[1]).lower():
                return True
    return False


def table_modules() -> list[str]:
    """Dotted names of the project's modules that define a table (migrations excluded)."""
    found = []
    for package in ("engine", "emergency", "flows"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            if _maps_a_table(ast.parse(path.read_text(), str(path))):
                found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def full_metadata() -> MetaData:
    for name in table_modules():
        importlib.import_module(name)
    return Base.metadata


def _drift(url: str) -> list[Any]:
    metadata = full_metadata()
    upgrade(url)
    with get_engine(url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False, "target_metadata": metadata}
        )
        return compare_metadata(context, metadata)


def test_the_table_modules_are_found() -> None:
    modules = table_modules()
    assert {"engine.store.models", "emergency.tables"} <= set(modules)
    tables = set(full_metadata().tables)
    assert {"emergencies", "emergency_details", "emergency_notices", "outbox_contacts"} <= tables


def test_the_migration_environment_imports_every_table_module() -> None:
    """`alembic revision --autogenerate` sees every table, so it never proposes dropping one."""
    from engine.store.db import TABLE_MODULES

    assert set(table_modules()) == set(TABLE_MODULES)


def test_models_and_migrations_agree(db_url: str) -> None:
    diff = _drift(db_url)
    assert diff == [], "models and migrations disagree:\n" + "\n".join(map(repr, diff))


def test_the_comparison_sees_a_difference(db_url: str) -> None:
    """A column in the models that no migration creates is reported (the check can fail)."""
    from sqlalchemy import Column, String

    metadata = full_metadata()
    upgrade(db_url)
    extra = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(extra)
    Table("outbox_contacts", extra, Column("not_migrated", String(8)), extend_existing=True)
    with get_engine(db_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "target_metadata": extra})
        diff = compare_metadata(context, extra)
    assert [d[0] for d in diff] == ["add_column"] and diff[0][2] == "outbox_contacts", diff
