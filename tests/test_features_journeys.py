"""Whole customer journeys of the deck's customer types on the shipped playbooks."""

from pytest_bdd import scenarios

pytest_plugins = ["steps.decision_steps"]

scenarios("procrastinator.feature", "resister.feature", "lost_contact.feature")
