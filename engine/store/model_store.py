"""Trained models in the record: one row per training, the active one per name flagged.

A row holds what makes a model reproducible and judgeable: its spec file's bytes and sha256,
the training window, the metrics on held-back data, the artifact (JSON parameters) and its
sha256 (checked before every load, `engine.models.artifact.load_artifact`). `version` counts
per name from 1. Activation moves the flag inside one transaction (at most one active per name).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.clock import now_iso
from engine.store.models import Base, BigId


class ModelRow(Base):
    __tablename__ = "models"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_models_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(32))
    spec: Mapped[str] = mapped_column(Text)
    spec_sha256: Mapped[str] = mapped_column(String(64))
    window_from: Mapped[str] = mapped_column(String(10))
    window_to: Mapped[str] = mapped_column(String(10))
    metrics: Mapped[str] = mapped_column(Text)
    artifact: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(40))


def public(row: Any) -> dict[str, Any]:
    """The contract's view of a model row (no artifact body)."""
    return {
        "name": row.name, "version": row.version, "target": row.target, "sha256": row.sha256,
        "spec_sha256": row.spec_sha256, "window": {"from": row.window_from, "to": row.window_to},
        "metrics": json.loads(row.metrics), "active": bool(row.active), "created_at": row.created_at,
    }  # fmt: skip


def active_model(engine: Engine, name: str) -> Any | None:
    t = ModelRow.__table__
    with engine.connect() as conn:
        return conn.execute(select(t).where(t.c.name == name, t.c.active.is_(True))).first()


def active_of_target(engine: Engine, target: str) -> Any | None:
    """The most recently trained active model for a target (what the daily run scores with)."""
    t = ModelRow.__table__
    with engine.connect() as conn:
        query = select(t).where(t.c.target == target, t.c.active.is_(True)).order_by(t.c.id.desc()).limit(1)
        return conn.execute(query).first()


def list_models(engine: Engine) -> list[dict[str, Any]]:
    t = ModelRow.__table__
    with engine.connect() as conn:
        return [public(r) for r in conn.execute(select(t).order_by(t.c.name, t.c.version))]


def store_model(engine: Engine, row: dict[str, Any], activate: bool) -> dict[str, Any]:
    """Insert a trained model as the name's next version; when `activate`, it becomes the active one."""
    t = ModelRow.__table__
    with engine.begin() as conn:
        last = conn.execute(select(func.max(t.c.version)).where(t.c.name == row["name"])).scalar()
        values = {**row, "version": (last or 0) + 1, "active": activate, "created_at": now_iso()}
        if activate:
            conn.execute(update(t).where(t.c.name == row["name"]).values(active=False))
        conn.execute(t.insert().values(**values))
        stored = conn.execute(select(t).where(t.c.name == row["name"], t.c.version == values["version"])).one()
    return public(stored)
