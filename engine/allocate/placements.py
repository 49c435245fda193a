"""Agency placements: one CSV per agency, with the fields its contract names, masked unless
the contract lets the agency see them (D9, D24).

The roster's `agencies` say which agency queues each agency takes, the columns of its file
(`fields`) and which personal fields it may see in clear (`unmasked`). Names, phones, e-mails
and the debtor id are masked with `engine.report.masking` otherwise; the account id is the
lender's reference the agency reports back against, the balance, currency, DPD and
jurisdiction are what it collects. A case in an agency queue no agency takes is reported as
unplaced, never written to someone's file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from engine.contracts.facts import Account
from engine.playbook.roster import Agency
from engine.report.masking import Personal, mask_email, mask_id, mask_name, mask_phone


def _value(account: Account, personal: Personal, name: str, clear: bool) -> str:
    if name == "name":
        value = personal.names[0] if personal.names else ""
        return value if clear else (mask_name(value) or "")
    if name == "phone":
        value = personal.phones[0] if personal.phones else ""
        return value if clear else (mask_phone(value) or "")
    if name == "email":
        value = personal.emails[0] if personal.emails else ""
        return value if clear else (mask_email(value) or "")
    if name == "debtor_id":
        return account.debtor_id if clear else (mask_id(account.debtor_id) or "")
    value: Any = getattr(account, name)
    return "" if value is None else str(value)


def placement_csv(agency: Agency, accounts: Iterable[Account]) -> str:
    """The agency's placement file: a header of its `fields`, one row per account."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(agency.fields)
    clear = set(agency.unmasked)
    for account in accounts:
        personal = Personal.of(account)
        writer.writerow([_value(account, personal, f, f in clear) for f in agency.fields])
    return buffer.getvalue()


def agency_for_queue(agencies: Iterable[Agency]) -> dict[str, Agency]:
    return {q: a for a in agencies for q in a.queues}
