"""Dispatch: how a written outbox contact reaches a real channel gateway.

The outbox row is the contact's one record; the relay (`engine.run.relay`) hands adapters
the rows not yet dispatched, after their transaction committed, with the idempotency key so
the gateway can drop a repeat, and marks them dispatched once the adapter accepted them.
`get_dispatcher(name)` picks one: `outbox` (default, nothing leaves the
machine) or `file:PATH` (JSON Lines, the shape a real SMS/e-mail gateway would receive).
"""
