"""Conditions parsed to our own AST (`parser`, `condition_ast`, `fields`, `simplify`), their
reference semantics (`reference`), and the playbook compiled to a rule program (`compiler`, `program`).

May import: `engine.contracts`, and `engine.playbook.model` for the compiler's input.
"""
