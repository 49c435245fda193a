"""The system of record: the database behind daily runs, playbook versions and the audit trail.

Persistence only: models (`models`, one metadata every table shares, `emergency.tables`
included), migrations, connection and upgrade (`db`), repositories (`playbooks`, `runs`,
`imports`, `audit_log`), hash chains (`chain`) and the auditors' read-only views (`audit_views`).

Import the submodule you need (`engine.store.db`, `engine.store.models`, …); this package
imports nothing on purpose, so `import engine.store` stays cheap and cycle-free.

May import: `engine.contracts`, `engine.playbook` (to load a stored version); never
`engine.decide`, `engine.run`, `engine.match` or `engine.report` (import-linter contract
`store-is-persistence`).
"""
