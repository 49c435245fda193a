"""Choosing a dispatcher by name: `outbox` or `file:PATH`."""

from __future__ import annotations

from flows.dispatch.base import Dispatcher


def get_dispatcher(spec: str) -> Dispatcher:
    if spec in ("", "outbox"):
        from flows.dispatch.outbox import OutboxOnly

        return OutboxOnly()
    if spec.startswith("file:"):
        from flows.dispatch.jsonl_file import JsonlFileDispatcher

        return JsonlFileDispatcher(spec.removeprefix("file:"))
    raise ValueError(f"unknown dispatcher {spec!r}: use 'outbox' or 'file:PATH'")
