"""Compliance packs: one rule per module, a registry, the pre-contact gate and the audit.

Import what you need from the submodules (`engine.compliance.gate`, `.limits`, `.registry`);
this package's `__init__` deliberately imports nothing, so loading the gate never drags in
the audit report or the docs generator.

May import: `engine.contracts`, `engine.playbook` (the adapter takes a loaded playbook) and
`engine.report.masking` (the audit report masks personal data); never `engine.decide`,
`engine.match` or `engine.run` (import-linter contract `engine-layers`).
"""
