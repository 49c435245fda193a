"""The three-tier emergency response: plans (`plan`), scopes, records and their repository
(`model`, `tables`, `repository`), enforcement (`enforce`) and the dispatch-time guard the
daily run is handed (`guard`), correlation rules (`rules`, `events`), declare / confirm /
stand down (`service`) and notices and escalation (`response`).

May import: `engine`; never `flows` or `prefect` (import-linter contract `emergency-below-flows`).
"""
