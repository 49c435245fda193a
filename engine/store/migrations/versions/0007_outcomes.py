"""Outcomes: the promise's contract id, an account's credit (overpayment)

Revision ID: 0007_outcomes
Revises: 0006_kpi_daily
Create Date: 2026-12-02 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_outcomes"
down_revision = "0006_kpi_daily"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credit", sa.String(length=40), nullable=True))
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promise_id", sa.String(length=128), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_promises_promise_id"), ["promise_id"])


def downgrade() -> None:
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_promises_promise_id"), type_="unique")
        batch_op.drop_column("promise_id")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("credit")
