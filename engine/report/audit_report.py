"""`arrears audit report --date D`: one self-contained HTML page for an auditor.

Runs of the day, counts, every blocking rule with its citation, emergencies, the playbook
versions in force, and a few blocked examples. Personal data is masked (`engine.report.masking`):
an auditor sees which rule stopped which account, not the debtor's name, number or message.
The example texts are rendered letters and texts, so they are masked with what the account
itself holds (its names, numbers, e-mails, IDs, addresses) and their amounts are hidden too;
an emergency's reason is masked with what the accounts in its scope hold.

`gather` collects the data (also what `--json` prints) in named steps; `render_html` hands it
to the template `templates/audit_report.html.j2` (`engine.report.templating`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select

from engine.report.masking import Personal, mask_contact, mask_text
from engine.report.templating import render_report
from engine.store import audit_views
from engine.store.chain import verify_all
from engine.store.clock import now_iso
from engine.store.models import AccountRow, AuditLog, DecisionRow, Emergency, EmergencyStandDown, OutboxContact
from engine.store.playbooks import list_versions

TEMPLATE = "audit_report.html.j2"
EXAMPLES = 10
_SCOPE_ACCOUNT = re.compile(r"\b(account|debtor)=([A-Za-z0-9_.:@/-]+)")


@dataclass
class _Tally:
    """The day's latest decisions, counted."""

    decided: int = 0
    by_stage: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    citations: dict[str, str] = field(default_factory=dict)
    examples: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (account_id, blocked entry)


def _latest_decisions(conn: Connection, business_date: str) -> Iterator[tuple[str, str | None, str]]:
    """(account, stage, decision JSON) of the latest decision per account on the day."""
    d = DecisionRow.__table__
    stmt = select(d.c.account_id, d.c.stage, d.c.decision).where(d.c.business_date == business_date)
    seen: set[str] = set()
    for account_id, stage, text in conn.execution_options(yield_per=2000).execute(stmt.order_by(d.c.chain_seq.desc())):
        if account_id not in seen:
            seen.add(account_id)
            yield account_id, stage, text


def _tally(conn: Connection, business_date: str) -> _Tally:
    """Decisions by stage, blocked actions by rule (with citations), the first blocked examples."""
    tally = _Tally()
    for account_id, stage, text in _latest_decisions(conn, business_date):
        tally.decided += 1
        tally.by_stage[stage or "none"] += 1
        if '"blocked":[]' in text:
            continue
        for blocked in json.loads(text)["blocked"]:
            for v in blocked["violations"]:
                tally.by_rule[v["rule"]] += 1
                tally.citations.setdefault(v["rule"], v.get("citation", ""))
            if len(tally.examples) < EXAMPLES:
                tally.examples.append((account_id, blocked))
    return tally


def _personal(conn: Connection, account_ids: Iterable[str] = (), debtor_ids: Iterable[str] = ()) -> list[Personal]:
    """What the given accounts (or all accounts of the given debtors) hold about their debtors."""
    a = AccountRow.__table__
    accounts, debtors = sorted(set(account_ids)), sorted(set(debtor_ids))
    found: list[Personal] = []
    for column, keys in ((a.c.account_id, accounts), (a.c.debtor_id, debtors)):
        if keys:
            found += [Personal.of(json.loads(f)) for (f,) in conn.execute(select(a.c.facts).where(column.in_(keys)))]
    return found


def _examples(conn: Connection, raw: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Blocked actions as an auditor may see them: every personal detail and amount masked."""
    personal = {a: next(iter(_personal(conn, [a])), Personal()) for a in {a for a, _ in raw}}
    return [
        {
            "account_id": account_id,
            "channel": blocked["action"].get("channel"),
            "to": personal[account_id].mask(mask_contact(blocked["action"].get("to"))),
            "text": personal[account_id].mask(blocked["action"].get("text"), amounts=True),
            "rules": ", ".join(v["rule"] for v in blocked["violations"]),
        }
        for account_id, blocked in raw
    ]


def _scope_masker(conn: Connection, scope: str | None) -> Personal:
    """One `Personal` holding what every account named in an emergency's scope holds."""
    terms = _SCOPE_ACCOUNT.findall(scope or "")
    found = _personal(conn, [v for k, v in terms if k == "account"], [v for k, v in terms if k == "debtor"])
    return Personal(
        names=tuple(n for p in found for n in p.names),
        phones=tuple(n for p in found for n in p.phones),
        emails=tuple(n for p in found for n in p.emails),
        ids=tuple(n for p in found for n in p.ids),
        addresses=tuple(n for p in found for n in p.addresses),
    )


def _emergencies(
    conn: Connection, states: Mapping[str, Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Personal]]:
    """Every emergency with its life-cycle state (`states`, from the emergency layer) and its
    stand-down, reasons masked; and each one's masker (for the log)."""
    stand_downs = {r.emergency_id: r for r in conn.execute(select(EmergencyStandDown.__table__).order_by("chain_seq"))}
    rows, maskers = [], {}
    for e in conn.execute(select(Emergency.__table__)).mappings():
        masker = maskers[e["emergency_id"]] = _scope_masker(conn, e["scope"])
        down = stand_downs.get(e["emergency_id"])
        state = states.get(e["emergency_id"], {})
        rows.append(
            {
                **{k: e[k] for k in ("emergency_id", "tier", "scope", "declared_by", "declared_at")},
                "reason": masker.mask(e["reason"]),
                "state": state.get("state", "unknown"),
                "ends_at": state.get("ends_at"),
                "cooling_off_ended_by": state.get("cooling_off_ended_by"),
                "stood_down_by": getattr(down, "stood_down_by", None),
                "stood_down_at": getattr(down, "at", None),
                "stand_down_reason": masker.mask(getattr(down, "reason", None)),
            }
        )
    return rows, maskers


def _emergency_log(conn: Connection, maskers: dict[str, Personal]) -> list[dict[str, Any]]:
    """The chained audit log's emergency events: who did what, when (details masked)."""
    log = AuditLog.__table__
    rows = conn.execute(select(log).where(log.c.event.like("EMERGENCY%")).order_by(log.c.chain_seq))
    return [
        {
            "at": r.at,
            "event": r.event,
            "actor": r.actor,
            "subject": r.subject,
            "details": (maskers[r.subject].mask(r.details) if r.subject in maskers else mask_text(r.details)) or "",
        }
        for r in rows
    ]


def gather(
    engine: Engine, business_date: str, emergency_states: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Everything the report shows, as data (also what `--json` prints).

    `emergency_states` is the emergency layer's life-cycle view of each emergency id now
    (`state`, `ends_at`, …: `emergency.repository.lifecycle_views`), passed in by the caller so
    that the report says what `emergency status`, `check` and the daily run's guard say, and
    the engine needs nothing from `emergency/`.
    """
    o = OutboxContact.__table__
    with engine.connect() as conn:
        tally = _tally(conn, business_date)
        examples = _examples(conn, tally.examples)
        channels = Counter(ch for (ch,) in conn.execute(select(o.c.channel).where(o.c.business_date == business_date)))
        emergencies, maskers = _emergencies(conn, emergency_states)
        response_log = _emergency_log(conn, maskers)
        _, broken = verify_all(conn)
    return {
        "business_date": business_date,
        "generated_at": now_iso(),
        "runs": audit_views.runs(engine, business_date),
        "decided": tally.decided,
        "by_stage": dict(tally.by_stage),
        "contacts_by_channel": dict(channels),
        "blocked_by_rule": [
            {"rule": r, "citation": tally.citations[r], "count": n} for r, n in tally.by_rule.most_common()
        ],
        "blocked_examples": examples,
        "emergencies": emergencies,
        "emergency_log": response_log,
        "playbook_versions": [v for v in list_versions(engine) if v["state"] != "pending"],
        "chain": "intact" if broken is None else f"BROKEN: {broken}",
    }


def render_html(data: dict[str, Any]) -> str:
    """The page for `data` as `gather` returns it."""
    return render_report(TEMPLATE, data)
