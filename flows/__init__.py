"""The outer layer: the `arrears` CLI (`commands`), Prefect flows (`daily`, `emergency`,
`compliance_audit`), dispatch adapters (`dispatch`) and synthetic data.

May import: `engine`, `emergency`, Prefect. Nothing imports `flows` (import-linter contracts
`engine-is-inner`, `emergency-below-flows`).
"""
