"""The playbook language: pydantic model (`model`), YAML source with positions (`yaml_source`,
`yaml_models`), loading with templates and validation (`loader`), templates, JSON Schema.

May import: `engine.contracts`, `engine.compile` (to check conditions), `engine.compliance`
(to refuse loosened limits).
"""
