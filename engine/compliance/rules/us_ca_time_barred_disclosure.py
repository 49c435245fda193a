"""US.CA.TIME_BARRED_DISCLOSURE: California — the statutory notice on time-barred debt letters."""

from __future__ import annotations

from engine.compliance.base import Param
from engine.compliance.disclosure import RequiredDisclosure


class CaliforniaTimeBarredDisclosure(RequiredDisclosure):
    """A written communication about a time-barred debt without California's notice.

    The Rosenthal Act requires a collector of a time-barred debt to include, in the first
    written communication after the debt became time-barred, the notice that begins "The
    law limits how long you can be sued on a debt. Because of the age of your debt, …
    cannot sue you for it" (followed by the credit-reporting sentence that fits the debt).
    Arrears cannot tell which letter is the first one after the bar, so it requires the
    notice on every letter and e-mail to a debtor of an account flagged `time_barred` with
    `region: CA` — stricter than the law, never looser.

    **Anti-pattern**: the standard late-stage letter sent unchanged to a 6-year-old card
    debt in Los Angeles.

    **Best practice**: a time-barred letter template for California with the statutory
    wording, selected by the playbook for `time_barred` accounts.
    """

    id = "US.CA.TIME_BARRED_DISCLOSURE"
    citation = "Cal. Civ. Code § 1788.14(d)"
    jurisdiction = "US"
    region = "CA"
    title = "California: time-barred debt notice"
    params = (
        Param(
            "required_phrases",
            list,
            ["The law limits how long you can be sued on a debt.", "Because of the age of your debt"],
            "superset",
            "phrases every written communication on a time-barred debt must contain",
        ),
    )

    flag = "time_barred"
    notice = "California time-barred debt notice"


RULE = CaliforniaTimeBarredDisclosure()
