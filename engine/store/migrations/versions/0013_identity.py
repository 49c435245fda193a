"""Identity: users with roles and hashed API keys; emergency sign-offs awaiting a second user

Revision ID: 0013_identity
Revises: 0012_kpi_perf
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_identity"
down_revision = "0012_kpi_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("disabled_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_users")),
        sa.UniqueConstraint("key_id", name=op.f("uq_users_key_id")),
    )
    op.create_table(
        "emergency_signoffs",
        sa.Column("emergency_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("emergency_id", "action", "signed_by", name=op.f("pk_emergency_signoffs")),
    )


def downgrade() -> None:
    op.drop_table("emergency_signoffs")
    op.drop_table("users")
