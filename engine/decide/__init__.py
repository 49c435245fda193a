"""From the rules that hold to one decision per account.

`evaluator` runs the steps in the playbook language's order over a typed `Case`/`Decision`
(`decision`), using the playbook's rule ids indexed once per playbook (`index`): the account's
situation — segment, priority, fraud, stage, assignment, pause (`resolve`); tasks, offers,
incentives and each treatment's channel, contact path, repeat limit and recipient
(`treatments`); scheduling, rendering and the compliance gate (`actions`). `stream` runs it
over files, with histories indexed on disk (`engine.contracts.history_index`).

May import: `engine.contracts`, `engine.playbook`, `engine.compile`, `engine.match`, `engine.compliance`.
"""
