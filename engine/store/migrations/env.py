"""Alembic environment: the URL comes from the caller (`engine.store.db.upgrade`), never a file."""

from __future__ import annotations

from alembic import context

from engine.store.db import get_engine
from engine.store.models import Base

config = context.config
url = config.attributes.get("url")


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
