"""Models trained from the record (D20): propensity to pay within 30 days, connect probability
by hour of day. Spec files (`kind: model`), training with scikit-learn, artifacts as JSON
parameters with their sha256, scoring with numpy. See docs/models.md.

Layer: below `decide` and `allocate` (which may read scores), above `match`; reads `store`.
"""
