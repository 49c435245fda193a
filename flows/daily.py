"""The Prefect flow `daily-strategy-run`: every approved playbook over the portfolio, once a day.

Shape: mark runs that died without finishing CRASHED → load the approved versions from the
record → split the portfolio into account-id ranges → one task per range (decide + gate +
write decisions and outbox rows in one transaction, see `engine.run.daily`; then relay that
range's waiting contacts) → a final relay task over the whole business date → artifacts and
our own run record. Contacts go to the dispatcher only through the relay
(`engine.run.relay`): whatever one run could not send, the next run of the date sends. A
run that ends with contacts still waiting is recorded `COMPLETED_WITH_PENDING` and its
flow run fails, saying so. Tasks never cache or persist results: a retry must re-evaluate
and lean on the outbox's unique key, not replay a stored answer.
"""

from __future__ import annotations

import logging
import sys
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
from prefect.states import Failed, State

from emergency.guard import hold_for_emergencies
from engine.kpi.burndown import artifact_rows
from engine.kpi.daily import artifact_table, compute_and_store_kpis
from engine.run.allocate import allocate_day
from engine.run.daily import ChunkStats, chunk_bounds, count_accounts, process_chunk
from engine.run.relay import pending_count
from engine.run.workers import run_chunk, start_pool, worker_count
from engine.store.db import ready_engine
from engine.store.playbooks import loaded_by_sha, loaded_in_force
from engine.store.runs import HEARTBEAT_EVERY, finish_run, heartbeat, mark_crashed, start_run
from flows.relay import relay, relay_task
from flows.run_report import markdown_report, summary_table

FLOW_NAME = "daily-strategy-run"
_log = logging.getLogger(__name__)  # for the heartbeat thread, which has no Prefect run context
# Set by `arrears run daily` when a person watches: called with (accounts done, total).
progress_hook: Callable[[int, int], None] | None = None
# The run's worker processes while a flow run uses them (see `engine.run.workers`); the
# tasks run in threads of this process and hand their chunk to it.
_pool: ProcessPoolExecutor | None = None


class _Heartbeat:
    """Renews the run's lease every `HEARTBEAT_EVERY` seconds until stopped (see `engine.store.runs`)."""

    def __init__(self, engine: Any, run_id: str) -> None:
        self.engine, self.run_id, self.stop_event = engine, run_id, threading.Event()
        self.thread = threading.Thread(target=self._beat, name="arrears-run-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self.stop_event.wait(HEARTBEAT_EVERY):
            try:
                heartbeat(self.engine, self.run_id)
            except Exception as exc:  # a missed beat only risks a false CRASHED much later
                _log.warning("run heartbeat failed: %s", exc)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop_event.set()
        self.thread.join()


def business_date(as_of: str | None, timezone: str = "UTC") -> date:
    return date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo(timezone)).date()


def _flow_run_id() -> str:
    from prefect.runtime import flow_run

    return str(flow_run.id or uuid.uuid4())


def prefect_api_problem() -> str | None:
    """Why the configured Prefect API cannot be reached, or None (also when none is configured:
    Prefect then starts a temporary server). Asked before the run, so an unreachable API stops
    it with one clear line before anything is written, not with Prefect's traceback."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        return None
    with get_client(sync_client=True) as client:
        exc = client.api_healthcheck()
    if exc is None:
        return None
    return (
        f"cannot reach the Prefect API at {url} ({type(exc).__name__}): nothing was run or written; "
        "start that server, or unset PREFECT_API_URL to run on a temporary one"
    )


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
    """Decide, gate and record one account-id range; then relay its waiting contacts once.

    In a worker process when the run has a pool (the task's thread only waits), else here.
    A dispatcher failure does not fail the chunk (its record is written): the rows wait
    for the final relay.
    """
    engine = ready_engine()
    if _pool is not None:
        summary = _pool.submit(run_chunk, shas, lo, hi, as_of, flow_run_id, hold_for_emergencies).result()
    else:
        playbooks = loaded_by_sha(engine, shas)
        stats = process_chunk(engine, playbooks, lo, hi, date.fromisoformat(as_of), flow_run_id, hold_for_emergencies)
        summary = stats.as_dict()
    summary["relayed"] = relay(engine, as_of, dispatcher, lo, hi, owner=flow_run_id).sent
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


def _report_crashed(engine: Any) -> list[str]:
    """Mark runs that died without finishing CRASHED, and say so on stderr and in the log."""
    crashed = mark_crashed(engine)
    for run in crashed:
        line = (
            f"arrears: run {run['flow_run_id']} for {run['business_date']} stopped without finishing "
            f"(last seen {run['last_seen']}); marked CRASHED. Rerun its date to send what it left waiting."
        )
        print(line, file=sys.stderr, flush=True)
        get_run_logger().warning(line)
    return [run["flow_run_id"] for run in crashed]


def _start(
    engine: Any, day: date, playbook: str | None, parameters: dict[str, Any]
) -> tuple[str, list[Any], list[dict[str, str]]]:
    """Record the run as started (after tagging it); returns (run id, playbooks, identities)."""
    from prefect.runtime import flow_run

    playbooks = loaded_in_force(engine, playbook)
    identities = [p.identity for p in playbooks]
    run_id = _flow_run_id()
    _tag_run(run_id, [f"playbook:{p['name']}@{p['version']}" for p in identities] + [f"business-date:{day}"])
    start_run(engine, run_id, str(flow_run.name or run_id), day.isoformat(), parameters, identities)
    return run_id, playbooks, identities


def _decide_all(
    engine: Any, playbooks: list[Any], chunk_size: int, day: str, run_id: str, dispatcher: str, summary: ChunkStats
) -> None:
    """Every chunk of the portfolio, in worker processes when that helps; counts into `summary`."""
    jurisdictions = {j for p in playbooks for j in p.playbook.applies_to.jurisdictions}
    total = count_accounts(engine, jurisdictions)
    bounds = chunk_bounds(engine, jurisdictions, chunk_size)
    get_run_logger().info("%s: %d accounts in %d chunks", day, total, len(bounds))
    shas = [p.sha256 for p in playbooks]

    def collect(part: dict[str, Any]) -> None:
        summary.add(ChunkStats.from_dict(part))
        heartbeat(engine, run_id)
        if progress_hook is not None:
            progress_hook(summary.accounts, total)

    workers = worker_count(len(bounds))
    if workers:
        _run_parallel(workers, bounds, shas, day, run_id, dispatcher, collect)
    else:
        for lo, hi in bounds:
            collect(decide_chunk_task(shas, lo, hi, day, run_id, dispatcher))


def _pending_if_known(engine: Any, day: str) -> int | None:
    """Contacts still waiting after a failed run, if the database can still say (it may be the fault)."""
    try:
        return pending_count(engine, day)
    except Exception:  # the run's own error is the one to report
        return None


def _publish(day: str, run_id: str, identities: list[dict[str, str]], result: dict[str, Any], heads: dict) -> None:
    """The run's Prefect artifacts: counts, playbook identities and chain heads only."""
    create_table_artifact(
        key="daily-summary", table=summary_table(result), description=f"Daily run {day}: counts (no personal data)"
    )
    create_markdown_artifact(key="daily-report", markdown=markdown_report(day, run_id, identities, result, heads))


def _allocate(engine: Any, day: str, run_id: str) -> dict[str, Any]:
    """Today's collectors' worklists, agency placements and overflow (engine.run.allocate), and
    one table artifact per team (queue) with counts only: no account ids, no personal data."""
    from engine.settings import arrears_home

    result = allocate_day(engine, day, run_id, arrears_home() / "placements" / day)
    for queue, counts in result.get("teams", {}).items():
        table = [{"queue": queue, **{k: counts.get(k, 0) for k in ("slotted", "unslotted", "overflow")}}]
        key = "allocation-" + "".join(ch if ch.isalnum() else "-" for ch in queue.lower())
        create_table_artifact(key=key, table=table, description=f"Allocation of {day}, team {queue} (counts only)")
    return result


def _kpis(engine: Any, day: str) -> None:
    """The day's KPIs from the record (set-based SQL), stored per date and shown as a table."""
    kpis = compute_and_store_kpis(engine, day)
    create_table_artifact(key="daily-kpis", table=artifact_table(kpis), description=f"KPIs of {day} (no personal data)")


def _targets(engine: Any, day: str) -> None:
    """Target progress on the day (`arrears targets status` rows per queue; no amounts for a queue
    of fewer than five accounts), when targets for its month are approved; else no artifact."""
    found = artifact_rows(engine, date.fromisoformat(day))
    if found is None:
        return
    loaded, table = found
    t = loaded.targets
    create_table_artifact(
        key="daily-targets",
        table=table,
        description=f"Target progress on {day}: {t.name} {t.version} ({loaded.sha256[:12]}), month {t.month}",
    )


@flow(name=FLOW_NAME, persist_result=False, log_prints=False)
def daily_strategy_run(
    as_of: str | None = None,
    playbook: str | None = None,
    chunk_size: int = 1000,
    dispatcher: str = "outbox",
    timezone: str = "UTC",
) -> dict[str, Any] | State:
    """One business day: every account in scope of an approved playbook, decided, recorded and
    relayed to the dispatcher; ends Failed, saying how many, if contacts are left waiting."""
    day = business_date(as_of, timezone).isoformat()
    engine = ready_engine()
    crashed = _report_crashed(engine)
    parameters = {
        "as_of": day,
        "playbook": playbook,
        "chunk_size": chunk_size,
        "dispatcher": dispatcher,
        "timezone": timezone,
    }
    run_id, playbooks, identities = _start(engine, date.fromisoformat(day), playbook, parameters)
    summary, state, relay = ChunkStats(), "FAILED", {"pending": None, "last_error": None}
    allocation: dict[str, Any] = {}
    try:
        with _Heartbeat(engine, run_id):
            _decide_all(engine, playbooks, chunk_size, day, run_id, dispatcher, summary)
            relay = relay_task(day, dispatcher, run_id)
            allocation = _allocate(engine, day, run_id)
        summary.relayed += relay["relayed"]
        state = "COMPLETED" if not relay["pending"] else "COMPLETED_WITH_PENDING"
    finally:
        if state == "FAILED":
            relay["pending"] = _pending_if_known(engine, day)
        result = {**summary.as_dict(), "pending": relay["pending"], "crashed_runs": crashed, "allocation": allocation}
        heads = finish_run(engine, run_id, state, result)
    _publish(day, run_id, identities, result, heads)
    _kpis(engine, day)
    _targets(engine, day)
    if relay["pending"]:  # a failed flow run that says why, without an exception's traceback
        return Failed(
            message=f"{relay['pending']} contacts of {day} are recorded but not yet dispatched "
            f"(last error: {relay['last_error']}); rerun `arrears run daily --as-of {day}` to send them"
        )
    shas = ",".join(p.sha256 for p in playbooks)
    return {"flow_run_id": run_id, "business_date": day, "playbooks": identities, "playbook_sha256": shas, **result}
