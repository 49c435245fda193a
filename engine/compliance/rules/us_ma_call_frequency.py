"""US.MA.CALL_FREQUENCY: Massachusetts — at most 2 phone communications per debt in 7 days."""

from __future__ import annotations

from engine.compliance.base import Param
from engine.compliance.frequency import FrequencyRule

PHONE = frozenset({"call", "robot_call", "voicemail", "sms", "messaging"})


class MassachusettsCallFrequency(FrequencyRule):
    """A third phone communication about one debt within seven days (Massachusetts).

    The Attorney General's debt collection regulations make it an unfair or deceptive act
    for a creditor to initiate more than two communications by telephone — calls, text
    messages or recorded audio messages — in each seven-day period to the debtor's
    residence, cell phone or other personal number, for each debt. Applies to accounts
    with `region: MA`, in addition to the federal seven-in-seven limit. Counted like
    US.REGF.CALL_FREQUENCY (busy and failed attempts are not communications; an unanswered
    call or a voicemail is, conservatively), over a rolling seven local days, per debt
    (`account_id`); numbers whose phone `relation` is work/employer are counted by
    US.MA.WORKPLACE_CALL_FREQUENCY instead. A call the debtor asked for (`consent_until`
    recorded within the last seven days) is a response, not an initiated communication.

    **Anti-pattern**: the federal dialer cadence (seven attempts a week) applied to a
    Boston debtor.

    **Best practice**: two phone touches a week per debt in Massachusetts; use letters or
    e-mail in between.
    """

    id = "US.MA.CALL_FREQUENCY"
    citation = "940 CMR 7.04(1)(f)"
    jurisdiction = "US"
    region = "MA"
    title = "Massachusetts: 2 phone communications per debt in 7 days"
    params = (
        Param("max_calls", int, 2, "lower", "phone communications allowed within the window"),
        Param("window_days", int, 7, "higher", "length of the window in consecutive days"),
    )

    channels = PHONE
    per = "debt"
    numbers = "personal"
    consent_exempt = True
    noun = "phone communication"


RULE = MassachusettsCallFrequency()
