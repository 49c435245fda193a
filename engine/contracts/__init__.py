"""The contracts every layer shares: account and history facts, input errors, JSON lines, timestamps,
the promise life cycle (`promises`).

May import: the standard library and pydantic only — nothing else of the project.
"""
