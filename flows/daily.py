"""The Prefect flow `daily-strategy-run`: every approved playbook over the portfolio, once a day.

Shape: load the approved versions from the record → split the portfolio into account-id
ranges → one task per range (decide + gate + write decisions and outbox rows in one
transaction, see `engine.run.daily`) → hand new contacts to the dispatcher → artifacts
and our own run record. Tasks never cache or persist results: a retry must re-evaluate and
lean on the outbox's unique key, not replay a stored answer.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from emergency.guard import hold_for_emergencies
from engine.kpi.daily import artifact_table, compute_and_store_kpis
from engine.run.daily import ChunkStats, chunk_bounds, count_accounts, process_chunk
from engine.run.workers import run_chunk, start_pool, worker_count
from engine.store.db import ready_engine
from engine.store.playbooks import loaded_by_sha, loaded_in_force
from engine.store.runs import finish_run, start_run
from flows.dispatch.registry import get_dispatcher
from flows.run_report import markdown_report, summary_table

FLOW_NAME = "daily-strategy-run"
# Set by `arrears run daily` when a person watches: called with (accounts done, total).
progress_hook: Callable[[int, int], None] | None = None
# The run's worker processes while a flow run uses them (see `engine.run.workers`); the
# tasks run in threads of this process and hand their chunk to it.
_pool: ProcessPoolExecutor | None = None
# Chunks finish concurrently then; one send at a time keeps a gateway's file or stream whole.
_dispatch_lock = threading.Lock()


def business_date(as_of: str | None, timezone: str = "UTC") -> date:
    return date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo(timezone)).date()


def _flow_run_id() -> str:
    from prefect.runtime import flow_run

    return str(flow_run.id or uuid.uuid4())


def _tag_run(flow_run_id: str, tags: list[str]) -> None:
    """Add playbook tags to this run (they are only known once the record is read)."""
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            current = client.read_flow_run(uuid.UUID(flow_run_id))
            client.update_flow_run(uuid.UUID(flow_run_id), tags=sorted({*current.tags, *tags}))
    except Exception as exc:  # tags are an index for humans; the record is ours
        get_run_logger().warning("could not tag flow run: %s", exc)


@task(name="decide-chunk", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE, persist_result=False)
def decide_chunk_task(
    shas: list[str], lo: str, hi: str | None, as_of: str, flow_run_id: str, dispatcher: str
) -> dict[str, Any]:
    """Decide, gate and record one account-id range; forward its new contacts.

    In a worker process when the run has a pool (the task's thread only waits), else here.
    """
    if _pool is not None:
        summary, new_contacts = _pool.submit(run_chunk, shas, lo, hi, as_of, flow_run_id, hold_for_emergencies).result()
    else:
        engine = ready_engine()
        playbooks = loaded_by_sha(engine, shas)
        stats = process_chunk(engine, playbooks, lo, hi, date.fromisoformat(as_of), flow_run_id, hold_for_emergencies)
        summary, new_contacts = stats.as_dict(), stats.new_contacts
    with _dispatch_lock:
        get_dispatcher(dispatcher).send(new_contacts)
    return summary


def _run_parallel(
    workers: int,
    bounds: list[tuple[str, str | None]],
    shas: list[str],
    as_of: str,
    run_id: str,
    dispatcher: str,
    collect: Callable[[dict[str, Any]], None],
) -> None:
    """One task per chunk as before, `workers` chunks at a time on as many processes.

    At most two chunks per worker are in flight (one running, one queued), so memory stays
    flat; results are summed in chunk order. A failing chunk fails the run once the
    chunks already in flight have finished (each is still all-or-nothing).
    """
    global _pool
    _pool = start_pool(workers)
    in_flight: deque[Any] = deque()
    try:
        for lo, hi in bounds:
            in_flight.append(decide_chunk_task.submit(shas, lo, hi, as_of, run_id, dispatcher))
            if len(in_flight) >= 2 * workers:
                collect(in_flight.popleft().result())
        while in_flight:
            collect(in_flight.popleft().result())
    finally:
        for future in in_flight:  # after a failure: let the chunks already running end
            future.wait()
        pool, _pool = _pool, None
        pool.shutdown(wait=True, cancel_futures=True)


@flow(name=FLOW_NAME, persist_result=False, log_prints=False)
def daily_strategy_run(
    as_of: str | None = None,
    playbook: str | None = None,
    chunk_size: int = 1000,
    dispatcher: str = "outbox",
    timezone: str = "UTC",
) -> dict[str, Any]:
    """One business day: every account in scope of an approved playbook, decided and recorded."""
    logger = get_run_logger()
    day = business_date(as_of, timezone)
    engine = ready_engine()
    playbooks = loaded_in_force(engine, playbook)
    identities = [p.identity for p in playbooks]
    run_id = _flow_run_id()
    _tag_run(run_id, [f"playbook:{p['name']}@{p['version']}" for p in identities] + [f"business-date:{day}"])
    parameters = {
        "as_of": day.isoformat(),
        "playbook": playbook,
        "chunk_size": chunk_size,
        "dispatcher": dispatcher,
        "timezone": timezone,
    }
    from prefect.runtime import flow_run

    start_run(engine, run_id, str(flow_run.name or run_id), day.isoformat(), parameters, identities)
    jurisdictions = {j for p in playbooks for j in p.playbook.applies_to.jurisdictions}
    total = count_accounts(engine, jurisdictions)
    bounds = chunk_bounds(engine, jurisdictions, chunk_size)
    logger.info("%s: %d accounts in %d chunks, playbooks %s", day, total, len(bounds), identities)
    shas = [p.sha256 for p in playbooks]
    summary = ChunkStats()
    state = "FAILED"

    def collect(part: dict[str, Any]) -> None:
        summary.add(ChunkStats.from_dict(part))
        if progress_hook is not None:
            progress_hook(summary.accounts, total)

    try:
        workers = worker_count(len(bounds))
        if workers:
            _run_parallel(workers, bounds, shas, day.isoformat(), run_id, dispatcher, collect)
        else:
            for lo, hi in bounds:
                collect(decide_chunk_task(shas, lo, hi, day.isoformat(), run_id, dispatcher))
        state = "COMPLETED"
    finally:
        result = summary.as_dict()
        heads = finish_run(engine, run_id, state, result)
    create_table_artifact(
        key="daily-summary", table=summary_table(result), description=f"Daily run {day}: counts (no personal data)"
    )
    create_markdown_artifact(
        key="daily-report", markdown=markdown_report(day.isoformat(), run_id, identities, result, heads)
    )
    kpis = compute_and_store_kpis(engine, day.isoformat())
    create_table_artifact(key="daily-kpis", table=artifact_table(kpis), description=f"KPIs of {day} (no personal data)")
    return {
        "flow_run_id": run_id,
        "business_date": day.isoformat(),
        "playbooks": identities,
        "playbook_sha256": ",".join(shas),
        **result,
    }
