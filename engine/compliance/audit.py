"""The automated compliance audit (D26): replay a contact log through the same rules.

Every past outbound contact is checked as if it were being proposed at its own time, against
the contacts before it — exactly what the gate would have said. The log may be far larger
than memory: accounts and history are first indexed in a temporary SQLite file
(`engine.contracts.history_index`, plus an accounts table), then replayed one debtor at a time — a debtor, not an
account, because the Chinese limits count per debtor across all their accounts, while the
US per-debt rules still filter by `account_id` themselves.

The result feeds a risk report (markdown and HTML, `engine.compliance.report`) with
violations by rule, by collector/agency and by day; personal data is masked there.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from engine.compliance.context import Context
from engine.compliance.gate import evaluate
from engine.compliance.limits import Limits
from engine.contracts.errors import InputError
from engine.contracts.facts import Account, Action, HistoryEntry
from engine.contracts.history_index import HistoryIndex
from engine.contracts.jsonl import read_models
from engine.report.masking import Personal


@dataclass(frozen=True)
class AuditFinding:
    """One past contact that broke one rule."""

    account_id: str
    at: datetime
    channel: str
    by: str | None
    to: str | None
    rule: str
    citation: str
    reason: str


@dataclass
class AuditResult:
    findings: list[AuditFinding] = field(default_factory=list)
    accounts: int = 0
    contacts_checked: int = 0
    first: datetime | None = None
    last: datetime | None = None
    # What each account with a finding holds about its debtor, so the report can mask it.
    personal: dict[str, Personal] = field(default_factory=dict)

    def by_rule(self) -> list[tuple[str, str, int]]:
        counts = Counter((f.rule, f.citation) for f in self.findings)
        return [(rule, cit, n) for (rule, cit), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def by_actor(self) -> list[tuple[str, int, list[str]]]:
        counts: Counter[str] = Counter()
        rules: dict[str, set[str]] = {}
        for f in self.findings:
            actor = f.by or "(unknown)"
            counts[actor] += 1
            rules.setdefault(actor, set()).add(f.rule)
        return [(a, n, sorted(rules[a])) for a, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def by_day(self) -> list[tuple[str, int]]:
        counts = Counter(f.at.date().isoformat() for f in self.findings)
        return sorted(counts.items())


def _index_accounts(db: sqlite3.Connection, accounts_path: Path) -> None:
    db.execute("CREATE TABLE accounts (account_id TEXT PRIMARY KEY, debtor_id TEXT, line INT, body TEXT)")
    for lineno, account in read_models(accounts_path, Account):
        try:
            db.execute(
                "INSERT INTO accounts VALUES (?, ?, ?, ?)",
                (account.account_id, account.debtor_id, lineno, account.model_dump_json()),
            )
        except sqlite3.IntegrityError:
            raise InputError.at(
                str(accounts_path), lineno, 1, f"account_id: duplicate account {account.account_id!r}"
            ) from None


def _check_owners(db: sqlite3.Connection, history_path: Path, accounts_path: Path) -> None:
    """Every history line must belong to an account of the accounts file."""
    orphan = db.execute(
        "SELECT h.line, h.account_id FROM h LEFT JOIN accounts a USING (account_id) "
        "WHERE a.account_id IS NULL ORDER BY h.line LIMIT 1"
    ).fetchone()
    if orphan:
        raise InputError.at(
            str(history_path), orphan[0], 1, f"account_id: {orphan[1]!r} is not in {accounts_path}"
        )


def _debtors(db: sqlite3.Connection) -> Iterator[tuple[dict[str, Account], list[HistoryEntry]]]:
    """Each debtor's accounts and time-ordered history, one debtor at a time."""
    for (debtor_id,) in db.execute("SELECT DISTINCT debtor_id FROM accounts ORDER BY debtor_id").fetchall():
        accounts = {
            row[0]: Account.model_validate_json(row[1])
            for row in db.execute(
                "SELECT account_id, body FROM accounts WHERE debtor_id = ? ORDER BY line", (debtor_id,)
            )
        }
        rows = db.execute(
            "SELECT h.body FROM h JOIN accounts a USING (account_id) "
            "WHERE a.debtor_id = ? ORDER BY h.at, h.line",
            (debtor_id,),
        )
        yield accounts, [HistoryEntry.model_validate_json(body) for (body,) in rows]


def _as_action(entry: HistoryEntry) -> Action:
    """A past contact as the action that was taken. Unknown facts get the benefit of the doubt
    except the kind: an unlabelled contact is treated as a payment demand."""
    return Action(
        channel=entry.channel,
        at=entry.at,
        party=entry.party,
        to=entry.to,
        template=entry.template,
        text=entry.text,
        kind=entry.kind or "payment_demand",
        recorded=True if entry.recorded is None else entry.recorded,
        by=entry.by,
    )


def audit(history_path: str | Path, accounts_path: str | Path, *, limits: Limits | None = None) -> AuditResult:
    """Replay every outbound contact of the log through the compliance rules."""
    limits = limits or Limits.default()
    result = AuditResult()
    history_path, accounts_path = Path(history_path), Path(accounts_path)
    with HistoryIndex(history_path, prepare=lambda db: _index_accounts(db, accounts_path)) as index:
        _check_owners(index.db, history_path, accounts_path)
        for accounts, entries in _debtors(index.db):
            result.accounts += len(accounts)
            for entry in entries:
                if entry.direction != "outbound":
                    continue
                result.contacts_checked += 1
                result.first = min(result.first or entry.at, entry.at)
                result.last = max(result.last or entry.at, entry.at)
                ctx = Context(accounts[entry.account_id], _as_action(entry), entries, presorted=True)
                for rule, finding in evaluate(ctx, limits):
                    if entry.account_id not in result.personal:
                        result.personal[entry.account_id] = Personal.of(accounts[entry.account_id])
                    result.findings.append(
                        AuditFinding(
                            account_id=entry.account_id,
                            at=entry.at,
                            channel=entry.channel,
                            by=entry.by,
                            to=entry.to,
                            rule=rule.id,
                            citation=rule.citation,
                            reason=finding.reason,
                        )
                    )
    return result
