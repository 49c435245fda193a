"""The strategy workbench: what a playbook change does before it runs.

`diff` decides a portfolio under two playbooks and counts the transitions per field;
`present` shows the result as a table or an HTML page; `record` feeds the diff from the
system of record (`--against-active`); `journeys` runs feature files against a playbook with
the shipped step library (`steps_*`). Sits at the top of `engine` (it uses `run`'s loading of
the record and `decide`'s evaluator); never imports `flows`, `emergency` or Prefect.
"""
