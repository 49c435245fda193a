"""The daily run's work on the database, without Prefect: chunk, evaluate, record.

`flows/daily.py` wraps these functions in a Prefect flow and tasks; keeping them here lets
tests and benchmarks drive them directly and keeps `engine` free of Prefect.

Exactly-once contact rests on two things, both in the database: the outbox's unique `idempotency_key`
(`account|business date|treatment`), and writing a chunk's decisions and new outbox rows in one transaction. A retry,
rerun, crash or concurrent run therefore re-evaluates freely and can only add contacts nobody has written yet.
Evaluation is deterministic for a business date: it sees imported history and contacts dispatched on *earlier*
business dates, never the same day's outbox, so a rerun decides as the first run did.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import OperationalError

from engine.compliance.adapter import default_gate
from engine.contracts.digest import sha256_text
from engine.contracts.facts import Account, HistoryEntry, outbox_history
from engine.contracts.promises import Outcomes
from engine.contracts.timestamps import parse_hhmm
from engine.decide.evaluator import Evaluator
from engine.decide.stream import dumps
from engine.playbook.loader import LoadedPlaybook
from engine.run.experiment import decide_in_groups
from engine.run.hold import DispatchHold
from engine.run.outcomes import in_range, load_outcomes
from engine.run.relay import dispatch_rows
from engine.run.scores import scored
from engine.settings import get_settings
from engine.store.chain import ChainWriter
from engine.store.clock import iso_utc, now_iso
from engine.store.models import AccountRow, Assignment, ContactHistoryRow, OutboxContact, OutboxDispatch
from engine.store.upsert import insert_new, upsert

_EVALUATORS: dict[str, Evaluator] = {}


class OutboxRace(RuntimeError):
    """Another writer inserted one of our keys despite the chain lock; the chunk is retried."""


def evaluation_time(as_of: date, loaded: LoadedPlaybook) -> datetime:
    """When a business date is evaluated: `ARREARS_RUN_LOCAL_TIME` (08:00) in the playbook's zone.

    A fixed instant per date makes reruns decide exactly as the first run did.
    """
    hh, mm = parse_hhmm(get_settings().run_local_time)
    return datetime.combine(as_of, time(hh, mm), ZoneInfo(loaded.playbook.timezone))


def evaluator(loaded: LoadedPlaybook) -> Evaluator:
    """One compiled evaluator per playbook version per process (compiling is the costly part)."""
    ev = _EVALUATORS.get(loaded.sha256)
    if ev is None:
        ev = _EVALUATORS[loaded.sha256] = Evaluator(loaded, matcher="durable", gate=default_gate(loaded))
    return ev


def chunk_bounds(engine: Engine, jurisdictions: set[str], size: int) -> list[tuple[str, str | None]]:
    """Key ranges `[lo, hi)` of about `size` accounts each, in account_id order."""
    t = AccountRow.__table__
    stmt = select(t.c.account_id).where(t.c.jurisdiction.in_(sorted(jurisdictions))).order_by(t.c.account_id)
    starts: list[str] = []
    with engine.connect() as conn:
        for i, (account_id,) in enumerate(conn.execution_options(yield_per=10_000).execute(stmt)):
            if i % size == 0:
                starts.append(account_id)
    return [(lo, starts[i + 1] if i + 1 < len(starts) else None) for i, lo in enumerate(starts)]


def count_accounts(engine: Engine, jurisdictions: set[str]) -> int:
    t = AccountRow.__table__
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(t.c.jurisdiction.in_(sorted(jurisdictions)))).scalar_one())


def _history_from_outbox(account_id: str, action_json: str) -> HistoryEntry:
    return HistoryEntry.model_validate(outbox_history(account_id, action_json))


def load_chunk(
    engine: Engine, lo: str, hi: str | None, jurisdictions: set[str], business_date: str
) -> tuple[list[Account], dict[str, list[HistoryEntry]], dict[str, str], dict[str, list[HistoryEntry]]]:
    """Accounts of one key range, their histories, and each account's facts digest input."""
    a, h, o = AccountRow.__table__, ContactHistoryRow.__table__, OutboxContact.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.c.account_id, a.c.facts)
            .where(in_range(a.c.account_id, lo, hi), a.c.jurisdiction.in_(sorted(jurisdictions)))
            .order_by(a.c.account_id)
        ).all()
        history_rows = conn.execute(
            select(h.c.account_id, h.c.body).where(in_range(h.c.account_id, lo, hi)).order_by(h.c.account_id, h.c.at)
        ).all()
        sent = conn.execute(
            select(o.c.account_id, o.c.action)
            .where(in_range(o.c.account_id, lo, hi), o.c.business_date < business_date)
            .order_by(o.c.account_id, o.c.at)
        ).all()
    accounts = [Account.model_validate_json(facts) for _, facts in rows]
    facts = {account_id: text for account_id, text in rows}
    histories: dict[str, list[HistoryEntry]] = {}
    for account_id, body in history_rows:
        histories.setdefault(account_id, []).append(HistoryEntry.model_validate_json(body))
    for account_id, action in sent:
        histories.setdefault(account_id, []).append(_history_from_outbox(account_id, action))
    for entries in histories.values():
        entries.sort(key=lambda e: e.at)
    return accounts, histories, facts, debtor_histories(engine, accounts, histories, lo, hi, business_date)


def debtor_histories(
    engine: Engine,
    accounts: list[Account],
    histories: dict[str, list[HistoryEntry]],
    lo: str,
    hi: str | None,
    business_date: str,
) -> dict[str, list[HistoryEntry]]:
    """Each chunk debtor's history across all their accounts, including accounts outside the
    chunk: the compliance gate counts some limits per debtor (China: connected calls a day)."""
    a, h, o = AccountRow.__table__, ContactHistoryRow.__table__, OutboxContact.__table__
    owner = {acc.account_id: acc.debtor_id for acc in accounts}
    debtors = sorted(set(owner.values()))
    outside: dict[str, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(debtors), 500):
            part = debtors[start : start + 500]
            for account_id, debtor_id in conn.execute(
                select(a.c.account_id, a.c.debtor_id).where(a.c.debtor_id.in_(part), ~in_range(a.c.account_id, lo, hi))
            ):
                outside[account_id] = debtor_id
        extra: dict[str, list[HistoryEntry]] = {}
        ids = sorted(outside)
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            for account_id, body in conn.execute(select(h.c.account_id, h.c.body).where(h.c.account_id.in_(part))):
                extra.setdefault(account_id, []).append(HistoryEntry.model_validate_json(body))
            for account_id, action in conn.execute(
                select(o.c.account_id, o.c.action).where(o.c.account_id.in_(part), o.c.business_date < business_date)
            ):
                extra.setdefault(account_id, []).append(_history_from_outbox(account_id, action))
    out: dict[str, list[HistoryEntry]] = {}
    for source, who in ((histories, owner), (extra, outside)):
        for account_id, entries in source.items():
            if account_id in who:
                out.setdefault(who[account_id], []).extend(entries)
    for entries in out.values():
        entries.sort(key=lambda e: e.at)
    return out


def facts_digest(facts: str, history: list[HistoryEntry]) -> str:
    """sha256 of what the decision was made from: the account facts and its history."""
    digest = hashlib.sha256(facts.encode("utf-8"))
    for entry in history:
        digest.update(b"\n" + entry.model_dump_json().encode("utf-8"))
    return digest.hexdigest()


_COUNTS = ("accounts", "decided", "out_of_scope", "dispatched", "already_dispatched", "blocked", "relayed")


@dataclass
class ChunkStats:
    """What one chunk decided and wrote; summed over chunks into the run's summary."""

    accounts: int = 0
    decided: int = 0
    out_of_scope: int = 0
    dispatched: int = 0
    already_dispatched: int = 0
    blocked: int = 0
    relayed: int = 0  # outbox rows this run handed to the dispatcher (any run may have written them)
    by_stage: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    by_assignment: Counter[str] = field(default_factory=Counter)
    blocked_by_rule: Counter[str] = field(default_factory=Counter)
    by_playbook: Counter[str] = field(default_factory=Counter)
    new_contacts: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: ChunkStats) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("by_stage", "by_channel", "by_assignment", "blocked_by_rule", "by_playbook"):
            getattr(self, name).update(getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in _COUNTS:
            out[name] = getattr(self, name)
        for name in ("by_stage", "by_channel", "by_assignment", "blocked_by_rule", "by_playbook"):
            out[name] = dict(sorted(getattr(self, name).items()))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChunkStats:
        stats = cls(**{k: v for k, v in data.items() if isinstance(v, int)})
        for name in ("by_stage", "by_channel", "by_assignment", "blocked_by_rule", "by_playbook"):
            getattr(stats, name).update(data.get(name, {}))
        return stats


def idempotency_key(account_id: str, business_date: str, treatment: str) -> str:
    return f"{account_id}|{business_date}|{treatment}"


def decide_chunk(
    accounts: list[Account],
    histories: dict[str, list[HistoryEntry]],
    playbooks: list[LoadedPlaybook],
    as_of: date,
    by_debtor: dict[str, list[HistoryEntry]] | None = None,
    outcomes: dict[str, Outcomes] | None = None,
) -> list[tuple[LoadedPlaybook, Account, dict[str, Any]]]:
    """Each in-scope account decided by the one playbook whose scope covers it."""
    out: list[tuple[LoadedPlaybook, Account, dict[str, Any]]] = []
    for loaded in playbooks:
        ev = evaluator(loaded)
        mine = [acc for acc in accounts if ev.in_scope(acc)]
        if mine:
            decisions = ev.decide(mine, histories, evaluation_time(as_of, loaded), by_debtor, outcomes)
            out.extend((loaded, acc, d) for acc, d in zip(mine, decisions, strict=True))
    return out


def _decision_row(
    loaded: LoadedPlaybook, account: Account, d: dict[str, Any], digest: str, business_date: str, run: str, now: str
) -> dict[str, Any]:
    """The `decisions` row of one account's decision."""
    text = dumps(d)
    return {
        "flow_run_id": run,
        "business_date": business_date,
        "account_id": account.account_id,
        "playbook_sha256": loaded.sha256,
        "stage": d["stage"],
        "fired_rules": json.dumps(d["fired_rules"], ensure_ascii=False),
        "facts_digest": digest,
        "decision": text,
        "decision_sha256": sha256_text(text),
        "decided_at": now,
    }


def _contact_row(
    loaded: LoadedPlaybook, account_id: str, action: dict[str, Any], business_date: str, run: str, now: str
) -> dict[str, Any]:
    """The outbox row of one proposed action, keyed `account|date|treatment`."""
    return {
        "idempotency_key": idempotency_key(account_id, business_date, action["treatment"]),
        "account_id": account_id,
        "business_date": business_date,
        "treatment": action["treatment"],
        "channel": action["channel"],
        "at": iso_utc(datetime.fromisoformat(action["at"])),
        "template": action.get("template"),
        "action": json.dumps(action, ensure_ascii=False, sort_keys=True, default=str),
        "playbook_sha256": loaded.sha256,
        "flow_run_id": run,
        "created_at": now,
    }


@dataclass
class ChunkRows:
    """A chunk's rows to write, built before the transaction so it stays short."""

    decisions: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)


def build_rows(
    decided: list[tuple[LoadedPlaybook, Account, dict[str, Any]]],
    histories: dict[str, list[HistoryEntry]],
    facts: dict[str, str],
    business_date: str,
    flow_run_id: str,
) -> tuple[ChunkRows, ChunkStats]:
    """Decision, outbox and assignment rows of a chunk, and its counts."""
    now = now_iso()
    rows, stats = ChunkRows(), ChunkStats(decided=len(decided))
    for loaded, account, d in decided:
        digest = facts_digest(facts[account.account_id], histories.get(account.account_id, []))
        rows.decisions.append(_decision_row(loaded, account, d, digest, business_date, flow_run_id, now))
        stats.by_playbook[f"{loaded.playbook.name} {loaded.playbook.revision}"] += 1
        stats.by_stage[d["stage"] or "none"] += 1
        assignment = d["assignment"]
        stats.by_assignment[f"{assignment['kind']}/{assignment.get('queue') or '-'}"] += 1
        rows.assignments.append(
            {
                "account_id": account.account_id,
                "business_date": business_date,
                "kind": assignment["kind"],
                "queue": assignment.get("queue"),
                "flow_run_id": flow_run_id,
            }
        )
        for b in d["blocked"]:
            stats.blocked += 1
            stats.blocked_by_rule.update(v["rule"] for v in b["violations"])
        for action in d["actions"]:
            stats.by_channel[action["channel"]] += 1
            rows.contacts.append(_contact_row(loaded, account.account_id, action, business_date, flow_run_id, now))
    return rows, stats


def _taken_keys(conn: Connection, keys: list[str]) -> set[str]:
    o = OutboxContact.__table__
    taken: set[str] = set()
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        taken.update(conn.execute(select(o.c.idempotency_key).where(o.c.idempotency_key.in_(part))).scalars())
    return taken


def write_chunk(
    engine: Engine,
    decided: list[tuple[LoadedPlaybook, Account, dict[str, Any]]],
    rows: ChunkRows,
    stats: ChunkStats,
    hold: DispatchHold,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One transaction: the hold's last look, decisions, new outbox rows with their (not yet
    dispatched) `outbox_dispatch` rows, assignments. Returns (contacts held back or not, new rows)."""
    with engine.begin() as conn:
        writer = ChainWriter(conn, ["decisions", "outbox_contacts"])
        contacts = hold(conn, decided, rows.decisions, rows.contacts, stats, rows.assignments)
        writer.append("decisions", rows.decisions)
        taken = _taken_keys(conn, [c["idempotency_key"] for c in contacts])
        linked = writer.link("outbox_contacts", [c for c in contacts if c["idempotency_key"] not in taken])
        inserted = insert_new(conn, OutboxContact.__table__, linked, "idempotency_key")  # type: ignore[arg-type]
        if len(inserted) != len(linked):
            raise OutboxRace(f"{len(linked) - len(inserted)} outbox keys taken concurrently")
        insert_new(conn, OutboxDispatch.__table__, dispatch_rows(linked), "idempotency_key")  # type: ignore[arg-type]
        upsert(conn, Assignment.__table__, rows.assignments, ["account_id", "business_date"])  # type: ignore[arg-type]
        writer.close()
    return contacts, linked


def record_chunk(
    engine: Engine,
    decided: list[tuple[LoadedPlaybook, Account, dict[str, Any]]],
    histories: dict[str, list[HistoryEntry]],
    facts: dict[str, str],
    business_date: str,
    flow_run_id: str,
    hold: DispatchHold,
    attempts: int = 5,
) -> ChunkStats:
    """Write decisions, outbox contacts, assignments in one transaction, retried on a lost race."""
    rows, stats = build_rows(decided, histories, facts, business_date, flow_run_id)
    for attempt in range(attempts):
        try:
            contacts, linked = write_chunk(engine, decided, rows, stats, hold)
            break
        except (OutboxRace, OperationalError):
            if attempt == attempts - 1:
                raise
    stats.dispatched = len(linked)
    stats.already_dispatched = len(contacts) - len(linked)
    stats.new_contacts = linked
    return stats


def process_chunk(
    engine: Engine,
    playbooks: list[LoadedPlaybook],
    lo: str,
    hi: str | None,
    as_of: date,
    flow_run_id: str,
    hold: DispatchHold,
) -> ChunkStats:
    """Load, decide and record one key range of accounts; `hold` is the last look before
    writing (the emergency guard, passed in by the caller so the engine needs nothing of it)."""
    jurisdictions = {j for p in playbooks for j in p.playbook.applies_to.jurisdictions}
    business_date = as_of.isoformat()
    accounts, histories, facts, by_debtor = scored(engine, load_chunk(engine, lo, hi, jurisdictions, str(as_of)), as_of)
    outcomes = load_outcomes(engine, lo, hi)
    decided = decide_in_groups(engine, decide_chunk, accounts, histories, playbooks, as_of, by_debtor, outcomes)
    stats = record_chunk(engine, decided, histories, facts, business_date, flow_run_id, hold)
    stats.accounts = len(accounts)
    stats.out_of_scope = len(accounts) - len(decided)
    return stats
