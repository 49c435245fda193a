"""Scopes: syntax, canonical form, matching, and malformed input (exit 2 material)."""

from __future__ import annotations

import pytest

from emergency.scope import parse_scope, subject_for
from engine.contracts.errors import InputError

ACC = {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "US"}
CTX = {"segment": "vip", "assignment": {"kind": "collector", "queue": "c7"}}


def covers(scope: str, account=ACC, context=CTX, action=None) -> bool:
    return parse_scope(scope).covers(subject_for(account, context, action))


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("all", True),
        ("account=A1", True),
        ("account=A2", False),
        ("debtor=D1", True),
        ("segment=vip", True),
        ("segment=standard", False),
        ("collector=c7", True),
        ("collector=c8", False),
        ("agency=c7", False),  # c7 is a collector queue here, not an agency
        ("jurisdiction=US", True),
        ("jurisdiction=us", True),
        ("jurisdiction=CN", False),
        ("jurisdiction=US,segment=vip", True),  # AND across keys
        ("jurisdiction=US,segment=standard", False),
        ("collector=c1,collector=c7", True),  # OR within a key
        (" segment = vip , debtor=D1 ", True),
    ],
)
def test_matching(scope: str, expected: bool) -> None:
    assert covers(scope) is expected


def test_action_by_counts_as_collector_and_agency() -> None:
    assert covers("collector=c9", context={}, action={"by": "c9"})
    assert covers("agency=ag1", context={"assignment": {"kind": "agency", "queue": "ag1"}})
    assert not covers("segment=vip", context={})


def test_canonical_form() -> None:
    assert str(parse_scope("segment=vip,jurisdiction=us")) == "segment=vip,jurisdiction=US"
    assert str(parse_scope("collector=c7,collector=c1")) == "collector=c1,collector=c7"
    assert parse_scope("debtor=D1,account=A1") == parse_scope("account=A1, debtor=D1")
    assert str(parse_scope(" all ")) == "all"


@pytest.mark.parametrize(
    ("scope", "fragment"),
    [
        ("", "empty scope"),
        ("everything", "not KEY=VALUE"),
        ("colector=c7", "unknown key 'colector'"),
        ("collector=", "needs a value"),
        ("jurisdiction=FR", "jurisdiction must be one of"),
        ("all,segment=vip", "cannot be combined"),
        ("segment=v i p", "needs a value"),
    ],
)
def test_malformed(scope: str, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        parse_scope(scope)
    assert fragment in str(err.value)
