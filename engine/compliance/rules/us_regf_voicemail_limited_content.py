"""US.REGF.VOICEMAIL_LIMITED_CONTENT: voicemails are limited-content messages only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context


class VoicemailLimitedContent(Rule):
    """A voicemail that is not a limited-content message.

    A voicemail may be heard by anyone with access to the phone. Regulation F's safe harbour
    is the *limited-content message*: the consumer's name, a request to reply, a name for
    the caller, a phone number and, optionally, a salutation, the date and time, and how to
    reply by other means — nothing about a debt. A voicemail action must have kind
    `limited_content`; its text is additionally checked by US.REGF.THIRD_PARTY_DISCLOSURE.

    **Anti-pattern**: leaving "This is ACME Collections about your overdue balance of
    $1,240" on an answering machine.

    **Best practice**: "Hi, this is Sam for Jane Doe. Please call me back at 555-0100."
    """

    id = "US.REGF.VOICEMAIL_LIMITED_CONTENT"
    citation = "12 CFR 1006.2(j)"
    jurisdiction = "US"
    title = "Voicemail: limited content only"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.action.channel == "voicemail" and ctx.action.kind != "limited_content":
            return Finding(f"voicemail of kind {ctx.action.kind}; only limited-content messages may be left")
        return None


RULE = VoicemailLimitedContent()
