"""KPIs per currency, and a cheaper snapshot write

Revision ID: 0012_kpi_perf
Revises: 0010_roster
Create Date: 2026-12-02 14:05:00

- `kpi_account_days.currency` and `kpi_daily.currency`: KPI rows are per (group, currency), so
  amounts of different currencies are never added. Existing snapshots get their account's
  currency now (facts `currency`); existing `kpi_daily` rows keep NULL until their date is
  recomputed (a rerun of the date, or `arrears kpi` which never reads them).
- `ix_kpi_account_days_account_id` dropped: no query reads the snapshot by account alone
  (every one names the date, which `uq_kpi_account_days_key` covers), and on PostgreSQL its
  maintenance was a sixth of the daily snapshot write of 1M rows (docs/performance.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_kpi_perf"
down_revision = "0010_roster"
branch_labels = None
depends_on = None


def _account_currency() -> str:
    """SQL for the account's currency read from its facts document (NULL when it has none)."""
    if op.get_bind().dialect.name == "postgresql":
        return "CAST(accounts.facts AS json) ->> 'currency'"
    return "json_extract(accounts.facts, '$.currency')"


def upgrade() -> None:
    with op.batch_alter_table("kpi_account_days", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.drop_index("ix_kpi_account_days_account_id")
    with op.batch_alter_table("kpi_daily", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
    op.execute(
        "UPDATE kpi_account_days SET currency = (SELECT "
        + _account_currency()
        + " FROM accounts WHERE accounts.account_id = kpi_account_days.account_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("kpi_daily", schema=None) as batch_op:
        batch_op.drop_column("currency")
    with op.batch_alter_table("kpi_account_days", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_account_days_account_id", ["account_id"], unique=False)
        batch_op.drop_column("currency")
