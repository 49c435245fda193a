"""Case allocation and the collectors' worklists (D16, D17, D24; issue #11).

`allocation`: which collector works which case today — queue and language respected, never
over capacity, yesterday's collector kept while they have room, the playbook's top value
band served first with its share of capacity, the rest overflowing to a named queue or the
robot queue. `worklist`: each collector's cases as slots inside their hours and inside the
hours the account's compliance pack allows (`engine.compliance.hours`). `placements`: the
agency files, masked as each agency's contract allows.

Layer (pyproject `engine-layers`): below `decide`, above `match`; may import `playbook`,
`compliance`, `report` (masking) and `contracts`; the daily-run step that reads and writes the
record is `engine.run.allocate`.
"""
