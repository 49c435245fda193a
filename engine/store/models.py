"""The tables of the system of record.

Two kinds of table. *Facts* (accounts, contact history, promises, payments, events,
assignments, flow runs) are upserted as new data arrives. *Evidence* (playbook versions and
approvals, decisions, outbox contacts, emergencies, the audit log) is append-only and
hash-chained (`engine.store.chain`): every row carries its place in its chain, the previous
row's hash and its own, so an edited or removed row is detected by `arrears audit verify`.

Timestamps are ISO 8601 UTC text and JSON documents are text, so what is hashed is exactly
what is stored, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Chained:
    """Columns every evidence table carries: its place in its hash chain."""

    chain_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    row_hash: Mapped[str] = mapped_column(String(64), nullable=False)


# -- facts -------------------------------------------------------------------------------
class Debtor(Base):
    __tablename__ = "debtors"
    debtor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[str] = mapped_column(String(40))


class AccountRow(Base):
    """One debt: the contract's account facts as JSON, plus columns to select and sort by."""

    __tablename__ = "accounts"
    account_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    debtor_id: Mapped[str] = mapped_column(String(128), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(2))
    product: Mapped[str | None] = mapped_column(String(64))
    balance: Mapped[str] = mapped_column(String(40))
    dpd: Mapped[int] = mapped_column(Integer)
    facts: Mapped[str] = mapped_column(Text)
    facts_sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(40))
    credit: Mapped[str | None] = mapped_column(String(40))
    """What payments brought beyond the balance (an overpayment); NULL when none."""


class ContactHistoryRow(Base):
    """A past contact as imported (the contract's history line); unique by (account, at, channel)."""

    __tablename__ = "contact_history"
    __table_args__ = (UniqueConstraint("account_id", "at", "channel", name="uq_contact_history_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[str] = mapped_column(String(40))


class Promise(Base):
    """A promise to pay (D4/D20: promise-kept rate)."""

    __tablename__ = "promises"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    made_at: Mapped[str] = mapped_column(String(40))
    due_date: Mapped[str] = mapped_column(String(10))
    amount: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(16), default="open")
    body: Mapped[str | None] = mapped_column(Text)
    promise_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    """The contract's `promise_id` (idempotency key of `arrears import promises`)."""


class Payment(Base):
    """A payment received; `reference` holds the contract's `payment_id` (idempotency key)."""

    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    paid_at: Mapped[str] = mapped_column(String(40))
    amount: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(128), unique=True)


class AccountEvent(Base):
    """Complaints and other events on an account (complaint, media exposure, dispute…)."""

    __tablename__ = "account_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[str] = mapped_column(String(40))
    body: Mapped[str | None] = mapped_column(Text)


class Assignment(Base):
    """Who works an account on a business date, as the daily run decided (D24)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("account_id", "business_date", name="uq_assignments_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(128))
    business_date: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str | None] = mapped_column(String(128))
    flow_run_id: Mapped[str] = mapped_column(String(64))


class FlowRunRow(Base):
    """Our own record of each daily run: Prefect's records are best-effort, this one is not."""

    __tablename__ = "flow_runs"
    flow_run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    flow_name: Mapped[str] = mapped_column(String(128))
    business_date: Mapped[str] = mapped_column(String(10), index=True)
    state: Mapped[str] = mapped_column(String(32))
    started: Mapped[str] = mapped_column(String(40))
    ended: Mapped[str | None] = mapped_column(String(40))
    # The run's lease: renewed while it runs; a RUNNING run whose heartbeat is older than
    # `engine.store.runs.STALE_AFTER` died without finishing (kill -9, power loss) and is CRASHED.
    heartbeat_at: Mapped[str | None] = mapped_column(String(40))
    # Contacts of the run's business date written but not yet accepted by the dispatcher at its end.
    pending: Mapped[int | None] = mapped_column(Integer)
    parameters: Mapped[str] = mapped_column(Text)
    playbooks: Mapped[str] = mapped_column(Text)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    dispatched: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(Text)


class ChainHead(Base):
    """The last link of each hash chain; locking its row serialises appends to that chain."""

    __tablename__ = "chain_heads"
    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))


class KpiAccountDay(Base):
    """One account as the daily run saw it on a business date: what the KPIs group and sum by.

    Decisions do not carry the balance or dpd they were made from (only a digest of the facts),
    so the KPI step snapshots them from `accounts` right after the day's decisions are written:
    the balance at the decision (`opening_balance`) and the dpd for roll rates. Amounts are
    integers in 1/10,000 of the currency unit, so sums are exact on SQLite as on PostgreSQL.
    """

    __tablename__ = "kpi_account_days"
    __table_args__ = (UniqueConstraint("business_date", "account_id", name="uq_kpi_account_days_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    business_date: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[str] = mapped_column(String(128))
    decision_id: Mapped[int] = mapped_column(BigInteger)
    stage: Mapped[str | None] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(128))
    collector: Mapped[str | None] = mapped_column(String(128))
    playbook: Mapped[str | None] = mapped_column(String(260))
    grp: Mapped[str | None] = mapped_column(String(64))
    jurisdiction: Mapped[str | None] = mapped_column(String(2))
    currency: Mapped[str | None] = mapped_column(String(3))
    """The account's currency (facts `currency`); amounts of different currencies never add up."""
    balance_units: Mapped[int] = mapped_column(BigInteger)
    dpd: Mapped[int] = mapped_column(Integer)


class KpiDaily(Base):
    """The contract's KPI row per dimension, group and currency for one business date (from = to = date)."""

    __tablename__ = "kpi_daily"
    __table_args__ = (Index("ix_kpi_daily_date_dimension", "business_date", "dimension"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    business_date: Mapped[str] = mapped_column(String(10))
    dimension: Mapped[str] = mapped_column(String(16))
    grp: Mapped[str | None] = mapped_column(String(260))
    currency: Mapped[str | None] = mapped_column(String(3))
    accounts: Mapped[int] = mapped_column(Integer)
    contacted: Mapped[int] = mapped_column(Integer)
    right_party_contacts: Mapped[int] = mapped_column(Integer)
    promises_made: Mapped[int] = mapped_column(Integer)
    promises_kept: Mapped[int] = mapped_column(Integer)
    promises_broken: Mapped[int] = mapped_column(Integer)
    collected: Mapped[str] = mapped_column(String(40))
    opening_balance: Mapped[str] = mapped_column(String(40))
    recovery_rate: Mapped[str | None] = mapped_column(String(16))
    paid: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[str] = mapped_column(String(40))


# -- evidence (hash-chained, append-only) ------------------------------------------------
class PlaybookVersion(Chained, Base):
    """An immutable playbook version: YAML bytes, templates, identity, author."""

    __tablename__ = "playbook_versions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[str] = mapped_column(String(128))
    source_path: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    templates_dir: Mapped[str] = mapped_column(Text)
    templates: Mapped[str] = mapped_column(Text)
    applies_to: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[str] = mapped_column(String(40))


class PlaybookApproval(Chained, Base):
    """The checker's approval of a version: from then on, daily runs of its name use it."""

    __tablename__ = "playbook_approvals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(128))
    approver: Mapped[str] = mapped_column(String(128))
    approved_at: Mapped[str] = mapped_column(String(40))
    supersedes: Mapped[str | None] = mapped_column(String(64))


class DecisionRow(Chained, Base):
    """One account's decision in one run: the full contract Decision as evaluated."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_account_date", "account_id", "business_date"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    flow_run_id: Mapped[str] = mapped_column(String(64), index=True)
    business_date: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[str] = mapped_column(String(128))
    playbook_sha256: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(64))
    fired_rules: Mapped[str] = mapped_column(Text)
    facts_digest: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(Text)
    decision_sha256: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[str] = mapped_column(String(40))


class OutboxContact(Chained, Base):
    """A contact to be sent, exactly once: unique by `account|business date|treatment`."""

    __tablename__ = "outbox_contacts"
    __table_args__ = (Index("ix_outbox_account_date", "account_id", "business_date"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    account_id: Mapped[str] = mapped_column(String(128))
    business_date: Mapped[str] = mapped_column(String(10), index=True)
    treatment: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    at: Mapped[str] = mapped_column(String(40))
    template: Mapped[str | None] = mapped_column(String(256))
    action: Mapped[str] = mapped_column(Text)
    playbook_sha256: Mapped[str] = mapped_column(String(64))
    flow_run_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[str] = mapped_column(String(40))


class OutboxDispatch(Base):
    """Whether an outbox contact reached the dispatcher: one row per outbox row, same key.

    A fact table beside the chained outbox, not columns on it: outbox rows are evidence and
    never change (their hash covers every column), while dispatch state changes on every
    attempt. Written with its outbox row in the chunk's transaction (`dispatched_at` null),
    updated by the relay (`engine.run.relay`) in transactions of its own.
    """

    __tablename__ = "outbox_dispatch"
    __table_args__ = (Index("ix_outbox_dispatch_pending", "business_date", "dispatched_at"),)
    idempotency_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    business_date: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[str] = mapped_column(String(128))
    dispatched_at: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # "<ISO expiry>#<token>" while one relay is sending the row; others skip it until expiry.
    claimed_until: Mapped[str | None] = mapped_column(String(80))


class Emergency(Chained, Base):
    """A declared emergency (D13); its stand-downs are separate rows, never edits."""

    __tablename__ = "emergencies"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    emergency_id: Mapped[str] = mapped_column(String(64), unique=True)
    tier: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(256))
    reason: Mapped[str] = mapped_column(Text)
    declared_by: Mapped[str] = mapped_column(String(128))
    declared_at: Mapped[str] = mapped_column(String(40))


class EmergencyStandDown(Chained, Base):
    __tablename__ = "emergency_stand_downs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    emergency_id: Mapped[str] = mapped_column(String(64), index=True)
    stood_down_by: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(40))


class EmergencyCoolingOffEnd(Chained, Base):
    """An emergency's cooling-off ended early, by whom and why (migration 0005); never an edit."""

    __tablename__ = "emergency_cooling_off_ends"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    emergency_id: Mapped[str] = mapped_column(String(64), index=True)
    ended_by: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(40))


class ExperimentEvent(Chained, Base):
    """One step of a champion/challenger experiment (migration 0014): proposed, started,
    promotion_proposed, ended. Append-only; an experiment's state is its events in order."""

    __tablename__ = "experiment_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    experiment_id: Mapped[str] = mapped_column(String(64), index=True)
    event: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    champion_sha256: Mapped[str] = mapped_column(String(64))
    challenger_sha256: Mapped[str] = mapped_column(String(64))
    share: Mapped[str] = mapped_column(String(16))
    winner: Mapped[str | None] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[str] = mapped_column(String(40))


class AuditLog(Chained, Base):
    """Who did what, when: one line per state-changing command, with a stable event code."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(128))
    event: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(256))
    details: Mapped[str] = mapped_column(Text)


# chain name → model, in the order `audit verify` walks them
CHAINED: dict[str, type[Base]] = {
    "playbook_versions": PlaybookVersion,
    "playbook_approvals": PlaybookApproval,
    "decisions": DecisionRow,
    "outbox_contacts": OutboxContact,
    "emergencies": Emergency,
    "emergency_stand_downs": EmergencyStandDown,
    "emergency_cooling_off_ends": EmergencyCoolingOffEnd,
    "experiment_events": ExperimentEvent,
    "audit_log": AuditLog,
}
