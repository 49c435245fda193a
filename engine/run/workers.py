"""Worker processes for the daily run: chunks evaluated on every core, recorded as before.

Evaluation is pure Python (durable_rules' glue, Jinja, the compliance gate), so threads do
not add throughput: the daily run hands whole chunks (load, decide, record — exactly
`engine.run.daily.process_chunk`) to a pool of worker processes instead. Nothing about
exactly-once changes: each chunk is still written in one transaction keyed by the outbox's
unique idempotency key, whichever process writes it, and SQLite serialises writers
(`BEGIN IMMEDIATE`), PostgreSQL the chain heads (`FOR UPDATE`).

One thing does change, and is handled here: a `kill -9` of the run must stop the writing,
as it did when everything ran in one process. Workers therefore ask the kernel to kill
them when their parent dies (Linux `PR_SET_PDEATHSIG`), and also watch for it themselves
elsewhere. The pool is started with `spawn` (a fork of a process running Prefect's threads
could inherit a held lock), from the flow's own thread, which outlives the pool (the
kernel signal follows the *thread* that started the child).

This module must not import Prefect: it is what each worker imports.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from typing import Any

from engine.run.hold import DispatchHold
from engine.settings import get_settings

_PLAYBOOKS: dict[tuple[str, ...], Any] = {}


def worker_count(chunks: int) -> int:
    """How many worker processes a run of `chunks` chunks uses; 0 means run in-process.

    `ARREARS_DAILY_WORKERS` (default: the CPUs this process may use) sets the number; one
    worker, or a single chunk, gains nothing over running in-process.
    """
    wanted = get_settings().daily_workers
    if wanted is None:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wanted = min(wanted or 1, chunks)
    return wanted if wanted > 1 else 0


def _die_with_parent(parent: int) -> None:
    """Make sure this worker never outlives (and never writes after) the run that started it."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:  # where the kernel signal is not available
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="arrears-parent-watch", daemon=True).start()


def _init(parent: int) -> None:
    _die_with_parent(parent)
    # Import and compile in the worker's first moments, not inside the first chunk.
    import engine.run.daily  # noqa: F401


def start_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes, all started now, from the calling thread."""
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init, initargs=(os.getpid(),)
    )
    for future in [pool.submit(os.getpid) for _ in range(workers)]:  # spawns every process here
        future.result()
    return pool


def _playbooks(shas: list[str]) -> Any:
    """The run's playbook versions, read once per worker (a version never changes: its sha256 names it)."""
    key = tuple(shas)
    if key not in _PLAYBOOKS:
        from engine.store.db import ready_engine
        from engine.store.playbooks import loaded_by_sha

        _PLAYBOOKS[key] = loaded_by_sha(ready_engine(), shas)
    return _PLAYBOOKS[key]


def run_chunk(
    shas: list[str], lo: str, hi: str | None, as_of: str, flow_run_id: str, hold: DispatchHold
) -> dict[str, Any]:
    """One chunk, in a worker: `process_chunk`'s summary (its contacts wait in the outbox for the relay)."""
    from engine.run.daily import process_chunk
    from engine.store.db import ready_engine

    stats = process_chunk(ready_engine(), _playbooks(shas), lo, hi, date.fromisoformat(as_of), flow_run_id, hold)
    return stats.as_dict()
