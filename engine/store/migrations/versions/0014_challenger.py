"""champion/challenger: the chained events of experiments (issue #12)

Revision ID: 0014_challenger
Revises: 0013_identity
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_challenger"
down_revision = "0013_identity"
branch_labels = None
depends_on = None

CHAIN = "experiment_events"


def upgrade() -> None:
    op.create_table(
        CHAIN,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("experiment_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("champion_sha256", sa.String(length=64), nullable=False),
        sa.Column("challenger_sha256", sa.String(length=64), nullable=False),
        sa.Column("share", sa.String(length=16), nullable=False),
        sa.Column("winner", sa.String(length=16), nullable=True),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiment_events")),
        sa.UniqueConstraint("chain_seq", name=op.f("uq_experiment_events_chain_seq")),
    )
    with op.batch_alter_table(CHAIN, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_experiment_events_experiment_id"), ["experiment_id"], unique=False)
    heads = sa.table(
        "chain_heads", sa.column("chain", sa.String), sa.column("seq", sa.BigInteger), sa.column("head_hash", sa.String)
    )
    op.bulk_insert(heads, [{"chain": CHAIN, "seq": 0, "head_hash": "0" * 64}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM chain_heads WHERE chain = :c").bindparams(c=CHAIN))
    with op.batch_alter_table(CHAIN, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experiment_events_experiment_id"))
    op.drop_table(CHAIN)
