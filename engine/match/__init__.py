"""Matchers answer one question: which rule ids hold for each account.

`matcher` holds the `Matcher` protocol and the registry that picks one by name (`durable`,
`python`); `features` flattens accounts to the operands rules test; `python_matcher` is the
reference; `durable_adapter` is the ONLY module of the project that imports durable_rules
(also for the emergency correlation windows of `windows`).

May import: `engine.contracts`, `engine.compile` (import-linter contracts `engine-layers`
and, for `durable`, `durable-only-in-adapter`).
"""
