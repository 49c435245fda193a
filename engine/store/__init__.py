"""The system of record: the database behind daily runs, playbook versions and the audit trail.

Import the submodule you need (`engine.store.db`, `engine.store.models`, …); this package
imports nothing on purpose, so `import engine.store` stays cheap and cycle-free.
"""
