"""emergency life cycle: the chained record of a cooling-off ended early

Revision ID: 0005_emergency_lifecycle
Revises: 0004_outbox_relay
Create Date: 2026-12-02 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_emergency_lifecycle"
down_revision = "0004_outbox_relay"
branch_labels = None
depends_on = None

CHAIN = "emergency_cooling_off_ends"


def upgrade() -> None:
    op.create_table(
        CHAIN,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("emergency_id", sa.String(length=64), nullable=False),
        sa.Column("ended_by", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_cooling_off_ends")),
        sa.UniqueConstraint("chain_seq", name=op.f("uq_emergency_cooling_off_ends_chain_seq")),
    )
    with op.batch_alter_table(CHAIN, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_cooling_off_ends_emergency_id"), ["emergency_id"], unique=False)
    heads = sa.table(
        "chain_heads", sa.column("chain", sa.String), sa.column("seq", sa.BigInteger), sa.column("head_hash", sa.String)
    )
    op.bulk_insert(heads, [{"chain": CHAIN, "seq": 0, "head_hash": "0" * 64}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM chain_heads WHERE chain = :c").bindparams(c=CHAIN))
    with op.batch_alter_table(CHAIN, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_cooling_off_ends_emergency_id"))
    op.drop_table(CHAIN)
