"""Journeys of promises to pay on the shipped playbooks: kept, broken twice, the partial payer."""

from pytest_bdd import scenarios

pytest_plugins = ["steps.decision_steps"]

scenarios("promises.feature")
