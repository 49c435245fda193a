"""US.REGF.CALL_FREQUENCY: at most 7 placed calls per debt within 7 consecutive days."""

from __future__ import annotations

from engine.compliance.base import Param
from engine.compliance.context import CALL_CHANNELS
from engine.compliance.frequency import FrequencyRule


class CallFrequency(FrequencyRule):
    """More than seven telephone calls about one debt within seven consecutive days.

    Regulation F presumes a collector harasses when it places telephone calls to a person
    about a particular debt more than seven times within seven consecutive days. A call
    that never connects (busy signal, out of service: outcome `busy` or `failed`) is not
    *placed*; a call that rings unanswered or reaches voicemail is. Calls made with the
    consumer's direct prior consent, given within the last seven days, are not counted
    (1006.14(b)(3)(i)): record it as `consent_until` on a history entry. Days are calendar
    days at the consumer's location; the count is per debt (`account_id`).

    **Anti-pattern**: a dialer campaign that retries every unanswered number three times a
    day until someone picks up.

    **Best practice**: let the gate refuse the eighth call and reschedule it to
    `next_allowed_at`, the first day on which the oldest call has left the window.
    """

    id = "US.REGF.CALL_FREQUENCY"
    citation = "12 CFR 1006.14(b)(2)(i)(A)"
    jurisdiction = "US"
    title = "Call frequency per debt"
    params = (
        Param("max_calls", int, 7, "lower", "placed calls allowed within the window"),
        Param("window_days", int, 7, "higher", "length of the window in consecutive days"),
    )

    channels = CALL_CHANNELS
    per = "debt"
    consent_exempt = True


RULE = CallFrequency()
