"""Reusable pytest-bdd steps for strategy owners: describe an account, let a shipped
playbook decide, and check the decision (see `decision_steps`)."""
