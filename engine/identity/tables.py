"""The `users` table: one row per user, the key's id in clear and only a hash of its secret.

Created by migration `0013_identity`; listed in `engine.store.db.TABLE_MODULES`.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base


class UserRow(Base):
    __tablename__ = "users"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(Text)  # Argon2id of the key's secret (PHC string)
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(64))
    disabled_at: Mapped[str | None] = mapped_column(String(40))
