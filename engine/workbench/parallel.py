"""The diff on every core: batches compared in worker processes, tallied here in input order.

Evaluation is pure Python, so a 200k-account diff (two decisions per account) needs more than
one core. This process reads and validates the input (accounts, histories) exactly as in one
process and hands each batch to the daily run's worker pool (`engine.run.workers`: spawned
processes that die with their parent; `ARREARS_DAILY_WORKERS` sets how many). Each worker
loads both playbooks once — from the same files, or the same stored versions by sha256 — and
returns only the batch's `Compared` (facets of changed accounts, a few explanations). Results
are merged in submission order with a bounded number of batches in flight, so the outcome is
identical to the one-process `diff` and memory stays flat.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.decide.evaluator import Evaluator
from engine.playbook.loader import LoadedPlaybook, load_playbook
from engine.run.workers import start_pool, worker_count
from engine.workbench.diff import Batch, Compared, DiffReport, compare, diff
from engine.workbench.shared_gate import gates

_EVALUATORS: dict[tuple[PlaybookRef, PlaybookRef], tuple[Evaluator, Evaluator]] = {}


@dataclass(frozen=True)
class PlaybookRef:
    """How a worker finds a playbook: a file path, or a stored version by sha256 in the configured
    database (workers inherit the environment, so `ARREARS_DATABASE_URL` is the same)."""

    path: str | None = None
    sha256: str | None = None

    def load(self) -> LoadedPlaybook:
        if self.path is not None:
            return load_playbook(self.path)
        from engine.store.db import get_engine
        from engine.store.playbooks import loaded_by_sha

        if self.sha256 is None:
            raise ValueError("a PlaybookRef needs a path or a sha256")
        [loaded] = loaded_by_sha(get_engine(), [self.sha256])
        return loaded


def evaluators(old: LoadedPlaybook, new: LoadedPlaybook) -> tuple[Evaluator, Evaluator]:
    """The evaluators `arrears decide` uses (durable_rules, the compliance gate), with one
    gate memo for both when their limits are equal (engine/workbench/shared_gate.py)."""
    old_gate, new_gate = gates(old, new)
    return Evaluator(old, matcher="durable", gate=old_gate), Evaluator(new, matcher="durable", gate=new_gate)


def _compare_in_worker(old: PlaybookRef, new: PlaybookRef, batch: Batch, at: datetime) -> Compared:
    pair = _EVALUATORS.get((old, new))
    if pair is None:
        pair = _EVALUATORS[(old, new)] = evaluators(old.load(), new.load())
    return compare(pair[0], pair[1], batch, at)


def run_diff(
    loaded: tuple[LoadedPlaybook, LoadedPlaybook],
    refs: tuple[PlaybookRef, PlaybookRef],
    batches: Iterable[Batch],
    at: datetime,
) -> DiffReport:
    """The diff of `loaded` (old, new) over `batches`; in worker processes when there are cores
    for them (`refs` tell the workers where the same playbooks are), else in this process."""
    from engine.compliance.adapter import require_pack

    for playbook in loaded:  # fail closed here, before any worker starts
        require_pack(playbook.playbook.applies_to.jurisdictions)
    workers = worker_count(1_000_000)
    if workers == 0:
        return diff(*evaluators(*loaded), batches, at)
    report = DiffReport()
    pool = start_pool(workers)
    in_flight: deque[tuple[Any, Future[Compared]]] = deque()
    try:
        for batch in batches:
            in_flight.append((batch[0], pool.submit(_compare_in_worker, refs[0], refs[1], batch, at)))
            if len(in_flight) > 2 * workers:
                accounts, future = in_flight.popleft()
                report.merge(accounts, future.result())
        while in_flight:
            accounts, future = in_flight.popleft()
            report.merge(accounts, future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return report
