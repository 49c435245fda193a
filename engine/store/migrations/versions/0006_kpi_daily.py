"""KPI snapshot of each account per business date, and the KPI rows per date

Revision ID: 0006_kpi_daily
Revises: 0005_emergency_lifecycle
Create Date: 2026-12-02 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_kpi_daily"
# TEMPORARY for local tests on the kpi branch: 0005_emergency_lifecycle lives on another
# branch; the lead re-chains this to "0005_emergency_lifecycle" when merging.
down_revision = "0005_emergency_lifecycle"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kpi_account_days",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("business_date", sa.String(length=10), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("queue", sa.String(length=128), nullable=True),
        sa.Column("collector", sa.String(length=128), nullable=True),
        sa.Column("playbook", sa.String(length=260), nullable=True),
        sa.Column("grp", sa.String(length=64), nullable=True),
        sa.Column("jurisdiction", sa.String(length=2), nullable=True),
        sa.Column("balance_units", sa.BigInteger(), nullable=False),
        sa.Column("dpd", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_account_days")),
        sa.UniqueConstraint("business_date", "account_id", name="uq_kpi_account_days_key"),
    )
    with op.batch_alter_table("kpi_account_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_account_days_account_id"), ["account_id"], unique=False)
    op.create_table(
        "kpi_daily",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("business_date", sa.String(length=10), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("grp", sa.String(length=260), nullable=True),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("contacted", sa.Integer(), nullable=False),
        sa.Column("right_party_contacts", sa.Integer(), nullable=False),
        sa.Column("promises_made", sa.Integer(), nullable=False),
        sa.Column("promises_kept", sa.Integer(), nullable=False),
        sa.Column("promises_broken", sa.Integer(), nullable=False),
        sa.Column("collected", sa.String(length=40), nullable=False),
        sa.Column("opening_balance", sa.String(length=40), nullable=False),
        sa.Column("recovery_rate", sa.String(length=16), nullable=True),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_daily")),
    )
    with op.batch_alter_table("kpi_daily", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_daily_date_dimension", ["business_date", "dimension"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kpi_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_daily_date_dimension")
    op.drop_table("kpi_daily")
    with op.batch_alter_table("kpi_account_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_account_days_account_id"))
    op.drop_table("kpi_account_days")
