"""Dispatch: how a written outbox contact reaches a real channel gateway.

The outbox row is the contact's one record; adapters only forward rows that were newly
written, after their transaction committed, with the idempotency key so the gateway can
drop a repeat. `get_dispatcher(name)` picks one: `outbox` (default, nothing leaves the
machine) or `file:PATH` (JSON Lines, the shape a real SMS/e-mail gateway would receive).
"""
