"""The relay's Prefect side: the task that sends a business date's waiting contacts, and the
emergency re-check it applies before each send.

`engine.run.relay` selects, claims and marks outbox rows; this module chooses the dispatcher,
serialises sends within a run (one gateway file or stream at a time) and supplies the hold.
The hold re-applies the emergencies in force *now* to each contact about to go out, with the
account's facts and the decision it came from: the daily run's guard checked them when the
contact was written, but a contact that waited (gateway down, a crashed run) may meet an
emergency declared since. Withheld contacts stay pending, with the rule in `last_error`, and
go out on a later run of their date once nothing forbids them.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Connection, Engine, and_, select

from emergency.enforce import EmergencyGuard
from emergency.repository import load_records
from emergency.tables import EmergencyDetail
from engine.contracts.facts import Account
from engine.run.relay import RelayResult, pending_count, relay_pending
from engine.store.db import ready_engine
from engine.store.models import AccountRow, ChainHead, DecisionRow
from flows.dispatch.registry import get_dispatcher

# Chunks finish concurrently; one send at a time keeps a gateway's file or stream whole.
dispatch_lock = threading.Lock()
# The final relay's tries per batch and first back-off (seconds; doubled after each try).
RELAY_TRIES, RELAY_BACKOFF = 4, 1.0


def _guard(conn: Connection) -> EmergencyGuard:
    """The emergencies in force now; on PostgreSQL under the lock a declaration takes."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(ChainHead.seq).where(ChainHead.chain == "emergencies").with_for_update()).all()
    if not conn.dialect.has_table(conn, EmergencyDetail.__tablename__):
        return EmergencyGuard((), datetime.now(UTC))
    return EmergencyGuard.of(load_records(conn), datetime.now(UTC))


def _contexts(conn: Connection, rows: list[dict[str, Any]]) -> dict[str, tuple[Account, dict[str, Any]]]:
    """Each row's account facts and the latest decision of its business date."""
    a, d = AccountRow.__table__, DecisionRow.__table__
    ids = sorted({r["account_id"] for r in rows})
    facts = dict(conn.execute(select(a.c.account_id, a.c.facts).where(a.c.account_id.in_(ids))).all())
    decisions: dict[str, str] = {}
    days = {r["business_date"] for r in rows}
    stmt = select(d.c.account_id, d.c.decision).where(and_(d.c.account_id.in_(ids), d.c.business_date.in_(days)))
    for account_id, text in conn.execute(stmt.order_by(d.c.chain_seq)):
        decisions[account_id] = text  # the latest wins
    return {i: (Account.model_validate_json(facts[i]), json.loads(decisions.get(i, "{}"))) for i in ids if i in facts}


def emergency_hold(conn: Connection, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The rows no emergency in force forbids now, and why each other one is withheld."""
    guard = _guard(conn)
    if not guard:
        return rows, {}
    contexts = _contexts(conn, rows)
    allowed, withheld = [], {}
    for row in rows:
        if row["account_id"] not in contexts:  # fail closed: nothing to check it against
            withheld[row["idempotency_key"]] = "withheld: the account is no longer in the record"
            continue
        account, decision = contexts[row["account_id"]]
        violations = guard.violations(account, decision, json.loads(row["action"]))
        if violations:
            withheld[row["idempotency_key"]] = f"withheld by {violations[0]['rule']}: {violations[0]['reason']}"
        else:
            allowed.append(row)
    return allowed, withheld


def relay(
    engine: Engine,
    day: str,
    dispatcher: str,
    lo: str | None = None,
    hi: str | None = None,
    tries: int = 1,
    owner: str = "",
) -> RelayResult:
    """Send the waiting contacts of `day` (one account-id range, or all) through `dispatcher`."""
    with dispatch_lock:
        send = get_dispatcher(dispatcher).send
        return relay_pending(
            engine, day, send, lo, hi, tries=tries, backoff=RELAY_BACKOFF, hold=emergency_hold, owner=owner
        )


@task(name="relay-outbox", cache_policy=NO_CACHE, persist_result=False)
def relay_task(as_of: str, dispatcher: str, flow_run_id: str = "") -> dict[str, Any]:
    """Send every contact of the business date still waiting, with back-off; count what is left."""
    engine = ready_engine()
    result = relay(engine, as_of, dispatcher, tries=RELAY_TRIES, owner=flow_run_id)
    return {
        "relayed": result.sent,
        "withheld": result.withheld,
        "pending": pending_count(engine, as_of),
        "last_error": result.last_error,
    }
