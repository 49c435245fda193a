"""US.WA.WORKPLACE_FREQUENCY: Washington — at most 1 communication a week at the debtor's work."""

from __future__ import annotations

from engine.compliance.base import Param
from engine.compliance.frequency import FrequencyRule
from engine.compliance.rules.us_ma_call_frequency import PHONE


class WashingtonWorkplaceFrequency(FrequencyRule):
    """A second communication within a week at the debtor's place of employment (Washington).

    Washington's Collection Agency Act forbids a licensee to communicate with the debtor at
    the place of employment more than once in a single week. A number is at work when the
    account lists it among `phones` with `relation` work, employer, workplace or office;
    calls, voicemails and texts to it count, over a rolling seven local days, per debtor.
    Applies to accounts with `region: WA`.

    **Anti-pattern**: trying the debtor's desk phone every day because the mobile is off.

    **Best practice**: one attempt a week at work at most; prefer the personal numbers.
    """

    id = "US.WA.WORKPLACE_FREQUENCY"
    citation = "RCW 19.16.250"
    jurisdiction = "US"
    region = "WA"
    title = "Washington: 1 communication a week at work"
    params = (
        Param("max_communications", int, 1, "lower", "communications to work numbers within the window"),
        Param("window_days", int, 7, "higher", "length of the window in consecutive days"),
    )

    channels = PHONE
    per = "debtor"
    numbers = "work"
    noun = "workplace communication"
    limit_param = "max_communications"


RULE = WashingtonWorkplaceFrequency()
