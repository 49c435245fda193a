"""US.REGF.OPT_OUT_NOTICE: every e-mail and text message carries a clear opt-out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import ContentRule, Finding
from engine.compliance.content import find
from engine.compliance.context import ELECTRONIC


class OptOutNotice(ContentRule):
    """An e-mail or text message without a reasonable and simple way to opt out.

    Every electronic communication must include a clear and conspicuous statement of a
    reasonable and simple method to opt out of further electronic communications to that
    address or number. The text must contain an opt-out instruction such as "Reply STOP",
    "unsubscribe" or "opt out" (Chinese: "回复TD退订", "退订").

    **Anti-pattern**: a payment-reminder SMS template with only the amount and a link.

    **Best practice**: end every SMS with "Reply STOP to opt out" and every e-mail with an
    unsubscribe line; template validation rejects templates without one.
    """

    id = "US.REGF.OPT_OUT_NOTICE"
    citation = "12 CFR 1006.6(e)"
    jurisdiction = "US"
    title = "Opt-out notice in electronic messages"

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        if action.channel in ELECTRONIC and not find("opt_out", text):
            return Finding(f"{action.channel} text has no opt-out instruction (e.g. 'Reply STOP to opt out')")
        return None


RULE = OptOutNotice()
