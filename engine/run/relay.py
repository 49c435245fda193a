"""The transactional-outbox relay: every written contact reaches the dispatcher, once.

A chunk writes its outbox rows and their `outbox_dispatch` rows (`dispatched_at` null) in
one transaction. The relay then, for a business date, takes the rows not yet dispatched in
batches and for each batch: claims it (own transaction: a short lease, so a concurrent
relay skips these rows), hands it to the dispatcher, and marks it dispatched (own
transaction) only after the dispatcher accepted it. An exception from the dispatcher is
recorded on every row of the batch (`attempts`, `last_error`), the claim released, and the
batch retried with back-off a bounded number of times; what is still pending then waits
for the next relay (the run's final sweep, or a rerun of the same date).

So a failed or crashed send is never lost, and nothing is sent twice by us: a row is sent
only by the relay holding its claim, and never again once marked. The one window left is a
crash after the dispatcher accepted a batch and before the mark commits; the dispatcher
receives each row's `idempotency_key` so the gateway can drop that repeat.

`send` is passed in (the engine knows no dispatcher): it takes the outbox rows as dicts and
raises if it did not accept them. So is `hold`, the last look before a send (the product
passes an emergency re-check, `flows.relay.emergency_hold`): a contact written before an
emergency was declared and still waiting must not go out while it is in force. What `hold`
withholds stays pending (its reason in `last_error`) until a later relay finds it allowed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select, update

from engine.store.clock import now_iso
from engine.store.models import OutboxContact, OutboxDispatch
from engine.store.runs import claim_token

Send = Callable[[Sequence[dict[str, Any]]], Any]
# (connection, claimed rows) -> (rows that may be sent, {idempotency key: why withheld})
RelayHold = Callable[[Connection, list[dict[str, Any]]], tuple[list[dict[str, Any]], dict[str, str]]]
CLAIM_SECONDS = 300  # longer than any one send; a relay that died frees its rows after this
ERROR_CHARS = 500


@dataclass
class RelayResult:
    """What one relay pass did: rows accepted by the dispatcher, failed attempts, last error."""

    sent: int = 0
    failed_attempts: int = 0
    last_error: str | None = None
    withheld: int = 0


def _stamp(at: datetime) -> str:
    """Fixed-width UTC text, so claims compare correctly as strings."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _pending(business_date: str, lo: str | None = None, hi: str | None = None) -> Any:
    d = OutboxDispatch.__table__
    cond = and_(d.c.business_date == business_date, d.c.dispatched_at.is_(None))
    if lo is not None:
        cond = and_(cond, d.c.account_id >= lo)
    if hi is not None:
        cond = and_(cond, d.c.account_id < hi)
    return cond


def pending_count(engine: Engine, business_date: str) -> int:
    """Contacts of a business date written but not yet accepted by a dispatcher."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(_pending(business_date))).scalar_one())


def _claim(
    engine: Engine, business_date: str, lo: str | None, hi: str | None, batch: int, owner: str
) -> list[dict[str, Any]]:
    """Claim up to `batch` pending rows (oldest first) for this relay; returns their outbox rows.
    The claim names its run (`engine.store.runs.claim_token`), so marking that run CRASHED
    frees its rows at once instead of after the lease."""
    d, o = OutboxDispatch.__table__, OutboxContact.__table__
    now = datetime.now(UTC)
    token = claim_token(_stamp(now + timedelta(seconds=CLAIM_SECONDS)), owner, uuid.uuid4().hex)
    free = or_(d.c.claimed_until.is_(None), d.c.claimed_until < _stamp(now))
    with engine.begin() as conn:
        keys = list(
            conn.execute(
                select(d.c.idempotency_key)
                .join(o, o.c.idempotency_key == d.c.idempotency_key)
                .where(_pending(business_date, lo, hi), free)
                .order_by(o.c.chain_seq)
                .limit(batch)
            ).scalars()
        )
        if not keys:
            return []
        conn.execute(
            update(d)
            .where(d.c.idempotency_key.in_(keys), d.c.dispatched_at.is_(None), free)
            .values(claimed_until=token)
        )
        rows = conn.execute(
            select(o).join(d, o.c.idempotency_key == d.c.idempotency_key).where(d.c.claimed_until == token)
        ).mappings()
        return [dict(r) for r in sorted(rows, key=lambda r: r["chain_seq"])]


def _mark(engine: Engine, keys: list[str], error: str | None, release: bool = True) -> None:
    """After an attempt: dispatched (no error) or the error recorded; the claim released
    unless the batch is about to be retried."""
    d = OutboxDispatch.__table__
    values: dict[str, Any] = {"attempts": d.c.attempts + 1}
    if release:
        values["claimed_until"] = None
    if error is None:
        values |= {"dispatched_at": now_iso(), "last_error": None}
    else:
        values["last_error"] = error[:ERROR_CHARS]
    with engine.begin() as conn:
        for start in range(0, len(keys), 500):
            conn.execute(update(d).where(d.c.idempotency_key.in_(keys[start : start + 500])).values(**values))


def _describe(exc: BaseException) -> str:
    """The error's type and message (dispatch errors name no person: adapters get rows, not names)."""
    return f"{type(exc).__name__}: {exc}"


def _withhold(engine: Engine, rows: list[dict[str, Any]], hold: RelayHold | None) -> list[dict[str, Any]]:
    """The claimed rows `hold` lets through; the others keep their claim for this pass (so it
    does not pick them again) with the reason recorded."""
    if hold is None:
        return rows
    with engine.begin() as conn:
        allowed, reasons = hold(conn, rows)
        d = OutboxDispatch.__table__
        for key, reason in reasons.items():
            conn.execute(update(d).where(d.c.idempotency_key == key).values(last_error=reason[:ERROR_CHARS]))
    return allowed


def _release(engine: Engine, keys: list[str]) -> None:
    d = OutboxDispatch.__table__
    with engine.begin() as conn:
        for start in range(0, len(keys), 500):
            conn.execute(update(d).where(d.c.idempotency_key.in_(keys[start : start + 500])).values(claimed_until=None))


def _send_batch(
    engine: Engine, rows: list[dict[str, Any]], send: Send, tries: int, backoff: float, sleep: Any, result: RelayResult
) -> bool:
    """One batch, tried up to `tries` times with doubling back-off; False if it never went."""
    keys = [r["idempotency_key"] for r in rows]
    for attempt in range(tries):
        try:
            send(rows)
        except Exception as exc:  # any dispatcher failure: recorded, retried, never lost
            result.failed_attempts += 1
            result.last_error = _describe(exc)
            last = attempt == tries - 1
            _mark(engine, keys, result.last_error, release=last)
            if last:
                return False
            sleep(backoff * 2**attempt)
            continue
        _mark(engine, keys, None)
        result.sent += len(keys)
        return True
    return False


def relay_pending(
    engine: Engine,
    business_date: str,
    send: Send,
    lo: str | None = None,
    hi: str | None = None,
    batch: int = 500,
    tries: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    hold: RelayHold | None = None,
    owner: str = "",
) -> RelayResult:
    """Send every pending contact of `business_date` (optionally one account-id range `[lo, hi)`).

    Each batch is tried up to `tries` times, waiting `backoff`, 2×, 4×… seconds between
    tries; a batch still failing ends this pass (later batches would meet the same gateway),
    leaving its rows and the rest pending. Returns what was sent and the last error.
    """
    result, withheld = RelayResult(), []
    try:
        while rows := _claim(engine, business_date, lo, hi, batch, owner):
            allowed = _withhold(engine, rows, hold)
            allowed_keys = {r["idempotency_key"] for r in allowed}
            withheld += [r["idempotency_key"] for r in rows if r["idempotency_key"] not in allowed_keys]
            if allowed and not _send_batch(engine, allowed, send, tries, backoff, sleep, result):
                break
    finally:
        if withheld:
            _release(engine, withheld)
    result.withheld = len(withheld)
    return result


def dispatch_rows(contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `outbox_dispatch` rows written with a chunk's new outbox rows: nothing sent yet."""
    return [
        {
            "idempotency_key": c["idempotency_key"],
            "business_date": c["business_date"],
            "account_id": c["account_id"],
            "dispatched_at": None,
            "attempts": 0,
            "last_error": None,
            "claimed_until": None,
        }
        for c in contacts
    ]
