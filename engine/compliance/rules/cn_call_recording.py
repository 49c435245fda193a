"""CN.NIFA.CALL_RECORDING: every collection call recorded; recordings kept 5 years."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context
from engine.compliance.rules._sources import CCM_68, GBT, NIFA


class CallRecording(Rule):
    """An unrecorded collection call.

    Every collection call must be recorded in full and the recordings kept at least five
    years (credit cards: two years under the card rules). A call action must carry
    `recorded: true`; the retention parameters are exported for the recording store and
    can only be lengthened.

    **Anti-pattern**: agents calling from personal mobiles outside the recorded platform.

    **Best practice**: dial only through the recorded platform and keep recordings by
    account for the retention period.
    """

    id = "CN.NIFA.CALL_RECORDING"
    citation = f"{CCM_68}; {NIFA}; {GBT}"
    jurisdiction = "CN"
    title = "Calls recorded and retained"
    params = (
        Param("require_recording", bool, True, "true", "calls must be recorded"),
        Param("retention_years", int, 5, "higher", "years to keep call recordings"),
        Param("card_retention_years", int, 2, "higher", "years to keep credit-card call recordings"),
    )

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if p["require_recording"] and ctx.is_call and not ctx.action.recorded:
            return Finding(f"{ctx.action.channel} is not recorded")
        return None


RULE = CallRecording()
