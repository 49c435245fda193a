"""What a compliance rule is: identity, citation, typed parameters, and one predicate.

Every rule is a small subclass of `Rule` living in its own module under `rules/`
(sqlfluff-style). The class docstring is the rule's documentation: `docs/compliance.md` is
generated from it, so the *Anti-pattern* / *Best practice* text there is the text here.

A rule's predicate sees a `Context` (the account, the proposed action, and the history
before it, with derived facts computed at most once per check) and its effective
parameters; it returns `None` when the action is fine or a `Finding` saying why not and,
for time-bound rules, when the same action would next be acceptable to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal

from engine.compliance.content import find
from engine.compliance.context import Context

# How a parameter value becomes stricter. A playbook may move a value only this way.
#  lower/higher: numbers; earlier/later: "HH:MM" times of day; true: a bool that may only be
#  switched on; false: a bool that may only be switched off; superset: a list that may only
#  grow; operator: a list the lender must configure itself (the law requires one, e.g. the
#  approved-agency list, but does not say what is on it).
Direction = Literal["lower", "higher", "earlier", "later", "true", "false", "superset", "operator"]


@dataclass(frozen=True)
class Param:
    """One tunable parameter with its legal default."""

    name: str
    type: type  # int, float, bool, str (HH:MM) or list
    default: Any
    tighter: Direction
    doc: str


@dataclass(frozen=True)
class Finding:
    """Why a rule refuses an action; `retry_at` is None when waiting would not help."""

    reason: str
    retry_at: datetime | None = None


class Rule:
    """Base class of every compliance rule. Subclasses set the class attributes below."""

    id: ClassVar[str]
    citation: ClassVar[str]
    jurisdiction: ClassVar[str]  # "US" | "CN" | "UK"
    # A regional overlay (a US state's postal code): applies only to accounts of that
    # `region`, in addition to the jurisdiction's national rules. None: national.
    region: ClassVar[str | None] = None
    title: ClassVar[str]
    params: ClassVar[tuple[Param, ...]] = ()
    # Content rules judge rendered text alone (plus the action's channel/party/kind), so
    # playbook validation can run them against templates before any account exists.
    content: ClassVar[bool] = False
    # Time-of-day rules judge only when a contact falls on the debtor's clock (and their stated
    # hours), so a worklist can ask them which slots of a day are lawful (engine.compliance.hours).
    time_of_day: ClassVar[bool] = False

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        raise NotImplementedError

    def defaults(self) -> dict[str, Any]:
        return {param.name: param.default for param in self.params}

    def param(self, name: str) -> Param | None:
        for param in self.params:
            if param.name == name:
                return param
        return None


class ContentRule(Rule):
    """A rule that judges text only; `check_text` is also what template validation runs."""

    content = True

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if not ctx.action.text:
            return None
        action = ctx.action
        if ctx.to_party != action.party:  # `to` is a known third-party number
            action = action.model_copy(update={"party": ctx.to_party})
        return self.check_text(action, ctx.action.text, p)

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        raise NotImplementedError


class PhraseRule(ContentRule):
    """A content rule that refuses text containing a phrase of any of its `categories`
    (`engine.compliance.content`), checked in order; subclasses give only their data.

    `reason` formats the finding from `category` (underscores as spaces) and `phrase`.
    """

    categories: ClassVar[tuple[str, ...]]
    reason: ClassVar[str] = "{category} in text: {phrase!r}"

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        for category in self.categories:
            phrase = find(category, text)
            if phrase:
                return Finding(self.reason.format(category=category.replace("_", " "), phrase=phrase))
        return None
