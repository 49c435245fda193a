"""Alembic environment: the URL comes from the caller (`engine.store.db.upgrade`), never a file."""

from __future__ import annotations

import importlib

from alembic import context

from engine.store.db import TABLE_MODULES, get_engine
from engine.store.models import Base

config = context.config
url = config.attributes.get("url")
# Table modules outside the store (emergency/tables.py) register on the shared Base when
# imported; they are named, not imported statically, so the store stays below `emergency`.
for module in config.attributes.get("table_modules", TABLE_MODULES):
    importlib.import_module(module)


def run_migrations_online() -> None:
    engine = get_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
