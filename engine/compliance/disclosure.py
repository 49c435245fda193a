"""The required-disclosure rule kind: a written communication must carry a statutory text.

Several US states require a fixed notice in written communications about a time-barred
debt (California, New York). A rule module subclasses `RequiredDisclosure`, names the
account `flag` that triggers it and the written `channels`; the phrases the text must
contain are its `required_phrases` parameter (a playbook may add phrases, never drop one).

Matching is deliberately literal — case-insensitive, with runs of white space folded — so
the statutory wording is what the template must contain, not a paraphrase. Fails closed: a
written action without rendered text cannot show the notice and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context

WRITTEN = frozenset({"letter", "email"})
_SPACE = re.compile(r"\s+")
# The statutory time-barred notices *say that the consumer cannot be sued*; a rule looking
# for threats of suit must not read them as one (else the notice a state requires could
# never be sent). Only these exact sentences are set aside, nothing that resembles them.
_SAFE_NOTICES = re.compile(
    r"the law limits how long you can be sued on a debt\.?"
    r"|because of the age of your debt,[^.]{0,120}?\b(?:cannot|can not|will not) sue you for it\.?",
    re.IGNORECASE,
)


def without_statutory_notices(text: str) -> str:
    """`text` with the time-barred notices' own sentences removed (see `_SAFE_NOTICES`)."""
    return _SAFE_NOTICES.sub(" ", _SPACE.sub(" ", text))


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


class RequiredDisclosure(Rule):
    """Base of every "this written notice must say …" rule; subclasses give only their data."""

    flag: ClassVar[str]
    channels: ClassVar[frozenset[str]] = WRITTEN
    notice: ClassVar[str]  # what the missing text is, in the reason

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        action = ctx.action
        if self.flag not in ctx.flags or action.channel not in self.channels or ctx.to_party != "debtor":
            return None
        if not action.text:
            return Finding(f"{action.channel} has no rendered text, so the {self.notice} cannot be checked")
        text = _fold(action.text)
        missing = [phrase for phrase in p["required_phrases"] if _fold(phrase) not in text]
        if missing:
            return Finding(f"{action.channel} lacks the {self.notice}: {missing[0]!r}")
        return None
