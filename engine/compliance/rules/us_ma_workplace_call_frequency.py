"""US.MA.WORKPLACE_CALL_FREQUENCY: Massachusetts — at most 2 calls per debt in 30 days at work."""

from __future__ import annotations

from engine.compliance.base import Param
from engine.compliance.frequency import FrequencyRule
from engine.compliance.rules.us_ma_call_frequency import PHONE


class MassachusettsWorkplaceCallFrequency(FrequencyRule):
    """A third phone communication about one debt within 30 days to a number at work (Massachusetts).

    Beyond the debtor's residence, cell phone and personal numbers, Massachusetts allows
    only two creditor-initiated phone communications in each 30-day period, for each debt.
    A number is a workplace number when the account lists it among `phones` with
    `relation` work, employer, workplace or office. Applies to accounts with `region: MA`.

    **Anti-pattern**: falling back to the debtor's office line every week once the mobile
    stops answering.

    **Best practice**: record the relation of every number; let the gate keep the office
    line to twice a month.
    """

    id = "US.MA.WORKPLACE_CALL_FREQUENCY"
    citation = "940 CMR 7.04(1)(f)"
    jurisdiction = "US"
    region = "MA"
    title = "Massachusetts: 2 phone communications per debt in 30 days at work"
    params = (
        Param("max_calls", int, 2, "lower", "phone communications to work numbers within the window"),
        Param("window_days", int, 30, "higher", "length of the window in consecutive days"),
    )

    channels = PHONE
    per = "debt"
    numbers = "work"
    consent_exempt = True
    noun = "workplace phone communication"


RULE = MassachusettsWorkplaceCallFrequency()
