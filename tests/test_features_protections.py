"""Complaints, cooling-off, protected customers and lawful contact hours, as features."""

from pytest_bdd import scenarios

pytest_plugins = ["steps.decision_steps"]

scenarios("complaint_cooling_off.feature", "compliance_hours.feature")
