"""Arrears' engine: from a YAML playbook to a gated, recorded decision — no Prefect, no emergencies.

The pipeline reads in package order:

* `engine.contracts` — the facts, errors, JSON-lines reading and timestamps every layer shares;
* `engine.playbook` — the playbook language (pydantic), its YAML source with positions, templates;
* `engine.compile` — conditions parsed to our own AST and compiled to a rule program;
* `engine.match` — matchers that say which rules hold (the durable_rules adapter, the Python reference);
* `engine.decide` — turns the rules that hold into a decision (stage, treatments, actions, offers);
* `engine.compliance` — the jurisdiction packs and the pre-contact gate;
* `engine.store` — the system of record (SQLAlchemy models, migrations, repositories, chain);
* `engine.run` — the daily run's work on the record, without Prefect;
* `engine.report` — masking and the auditors' HTML report;
* `engine.workbench` — the strategy workbench on top: `playbook diff` and `playbook test` (the step library).

May import: nothing from `flows`, `emergency` or `prefect` (import-linter contract
`engine-is-inner`, run by `make test`; the order above is contract `engine-layers`).
"""
