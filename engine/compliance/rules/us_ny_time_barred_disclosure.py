"""US.NY.TIME_BARRED_DISCLOSURE: New York — the DFS notice on time-barred debt letters."""

from __future__ import annotations

from engine.compliance.base import Param
from engine.compliance.disclosure import RequiredDisclosure


class NewYorkTimeBarredDisclosure(RequiredDisclosure):
    """A written communication about a time-barred debt without New York's DFS notice.

    The Department of Financial Services' debt collection rules require a collector who
    knows or has reason to know that the statute of limitations on a debt may have expired
    to tell the consumer so, in the form the regulation prescribes, before accepting a
    payment. Arrears requires the notice on every letter and e-mail to a debtor of an
    account flagged `time_barred` with `region: NY`. The default phrase checks only that
    the notice speaks of the statute of limitations; add the regulation's full wording to
    `required_phrases` in the playbook once counsel has approved the template.

    **Anti-pattern**: accepting a "good faith payment" on a 10-year-old debt without
    telling the consumer the time to sue may have run out.

    **Best practice**: a New York time-barred template with the DFS wording for
    `time_barred` accounts.
    """

    id = "US.NY.TIME_BARRED_DISCLOSURE"
    citation = "23 NYCRR 1.3"
    jurisdiction = "US"
    region = "NY"
    title = "New York: time-barred debt notice"
    params = (
        Param(
            "required_phrases",
            list,
            ["statute of limitations"],
            "superset",
            "phrases every written communication on a time-barred debt must contain",
        ),
    )

    flag = "time_barred"
    notice = "New York time-barred debt notice"


RULE = NewYorkTimeBarredDisclosure()
