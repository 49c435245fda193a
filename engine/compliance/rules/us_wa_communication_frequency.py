"""US.WA.COMMUNICATION_FREQUENCY: Washington — at most 3 communications with the debtor a week."""

from __future__ import annotations

from engine.compliance.base import Param
from engine.compliance.frequency import FrequencyRule

ALL_CHANNELS = frozenset({"call", "robot_call", "voicemail", "sms", "messaging", "email", "letter", "visit"})


class WashingtonCommunicationFrequency(FrequencyRule):
    """A fourth communication with the debtor within a week (Washington).

    Washington's Collection Agency Act forbids a licensee to communicate with the debtor
    more than three times in a single week. Every channel counts (the state's own summary:
    "call or write"), across all of the debtor's accounts in the history, over a rolling
    seven local days — the strictest reading of "a single week". Busy and failed call
    attempts are not communications. Applies to accounts with `region: WA`, in addition to
    the federal limits.

    **Anti-pattern**: a reminder SMS, an e-mail and two calls in the same week.

    **Best practice**: plan the week's three touches per debtor across all channels.
    """

    id = "US.WA.COMMUNICATION_FREQUENCY"
    citation = "RCW 19.16.250"
    jurisdiction = "US"
    region = "WA"
    title = "Washington: 3 communications a week"
    params = (
        Param("max_communications", int, 3, "lower", "communications with the debtor within the window"),
        Param("window_days", int, 7, "higher", "length of the window in consecutive days"),
    )

    channels = ALL_CHANNELS
    per = "debtor"
    noun = "communication"
    limit_param = "max_communications"


RULE = WashingtonCommunicationFrequency()
