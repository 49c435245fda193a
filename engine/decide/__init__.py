"""From the rules that hold to one decision per account: segment, priority, stage, treatments,
actions, offers, rendering and the gate (`evaluator`), streamed over files (`stream`) with
histories indexed on disk (`engine.contracts.history_index`).

May import: `engine.contracts`, `engine.playbook`, `engine.compile`, `engine.match`, `engine.compliance`.
"""
