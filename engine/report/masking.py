"""Masking of personal data for logs, artifacts and reports.

Collections data is personal data under PIPL, GDPR and GLBA. Anything a person might read
outside the dispatch path — console summaries, Prefect artifacts, audit reports — shows
phone numbers, e-mail addresses, ID numbers and names masked: enough left to tell two
records apart (country code and last digits, first letter and domain), not enough to call.

Two layers, because neither is enough alone:

* **What the account says** (`Personal.of(facts)`): the debtor's name fields, phone numbers,
  e-mail addresses, ID numbers, addresses and balance. A rendered message greets "Hi Sam
  Taylor" — no pattern finds a name, but the account tells us which name to look for.
* **What looks like personal data** in any free text: e-mail addresses, Chinese resident
  IDs / US SSNs / UK NI numbers, and phone numbers found by `phonenumbers` (Google's
  libphonenumber) for the jurisdiction's region, with a digit-run fallback for numbers it
  does not consider valid (the fictitious ranges used in examples). Masking errs towards
  hiding: a lender's published number may be masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers

# Phone-number regions (ISO 3166) of the contract's jurisdictions.
REGIONS = {"CN": "CN", "US": "US", "UK": "GB"}

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# Chinese resident ID (18 chars), US SSN, UK National Insurance number.
_IDS = (
    re.compile(r"\b\d{17}[\dXx]\b"),
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"),
)
# Phone-like runs: optional + or (, then 7 or more digits possibly separated by spaces, dashes
# or an area code's parentheses; masked only when 10+ digits and not a date (`_phone_or_keep`).
_PHONE = re.compile(r"(?<![\w(])[+(]?\d[\d\s()-]{5,}\d(?![\w])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A money amount next to a currency sign or code: `$2,650.00`, `£600.00`, `¥8,000.00`, `8000元`.
_AMOUNT = re.compile(
    r"(?P<pre>(?:[A-Z]{2,3})?[$£¥€￥]\s?|\b(?:USD|GBP|CNY|RMB|EUR)\s?)\d[\d,]*(?:\.\d+)?"
    r"|\d[\d,]*(?:\.\d+)?(?P<post>\s?(?:元|\b(?:USD|GBP|CNY|RMB|EUR)\b))"
)
_CJK_HONORIFIC = ("先生", "女士", "小姐")

# Which `attributes` keys of an account hold which kind of personal data.
_NAME_KEY = re.compile(r"(^|_)(name|names|surname|forename|alias)$")
_ADDRESS_KEY = re.compile(r"address|street|postcode|post_code|zip|city")
_ID_KEY = re.compile(r"national_id|id_number|id_card|ssn|nino|passport|tax_id|resident_id")
_PHONE_KEY = re.compile(r"phone|mobile|tel")
_EMAIL_KEY = re.compile(r"e_?mail")


def mask_phone(number: str | None) -> str | None:
    """`+8613800138000` → `+86*******8000` (country code and last four digits kept)."""
    if not number:
        return number
    digits = re.sub(r"\D", "", number)
    if len(digits) <= 4:
        return "*" * len(digits)
    prefix = ""
    if number.strip().startswith("+"):
        cc = 2 if digits[:2] in {"86", "44"} else 1 if digits[0] == "1" else 2
        prefix, digits = "+" + digits[:cc], digits[cc:]
    return prefix + "*" * (len(digits) - 4) + digits[-4:]


def mask_email(address: str | None) -> str | None:
    """`jane.doe@example.com` → `j***@example.com`."""
    if not address or "@" not in address:
        return address
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str | None) -> str | None:
    """`张伟` → `张*`, `Alex Morgan` → `A*** M***`."""
    if not name:
        return name
    if _is_cjk(name):
        return name[0] + "*" * (len(name) - 1)
    return " ".join(part[:1] + "***" for part in name.split())


def mask_id(value: str | None) -> str | None:
    """An ID number: only its last four characters kept."""
    if not value:
        return value
    return "*" * max(len(value) - 4, 1) + value[-4:] if len(value) > 4 else "*" * len(value)


def _is_cjk(text: str) -> bool:
    return all(ord(c) > 0x2E80 for c in text.replace(" ", ""))


def _strings(value: Any) -> list[str]:
    """The non-empty strings in an attribute value (a string, a list of them, a mapping)."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


@dataclass(frozen=True)
class Personal:
    """What one account tells us about a person, so it can be found again in rendered text."""

    region: str | None = None
    names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()

    @classmethod
    def of(cls, facts: Any) -> Personal:
        """From account facts: an `Account`, or its JSON mapping as stored."""
        if hasattr(facts, "model_dump"):
            facts = facts.model_dump(mode="json")
        attributes = facts.get("attributes") or {}
        by_kind: dict[str, list[str]] = {"names": [], "phones": [], "emails": [], "ids": [], "addresses": []}
        for key, value in attributes.items() if isinstance(attributes, Mapping) else ():
            kind = _attribute_kind(str(key).lower())
            if kind:
                by_kind[kind].extend(_strings(value))
        by_kind["phones"] += [p["number"] for p in facts.get("phones") or () if p.get("number")]
        by_kind["emails"] += [e["address"] for e in facts.get("emails") or () if e.get("address")]
        return cls(
            region=REGIONS.get(str(facts.get("jurisdiction"))),
            amounts=_amount_forms(facts.get("balance")),
            **{kind: tuple(dict.fromkeys(values)) for kind, values in by_kind.items()},
        )

    def mask(self, text: str | None, *, amounts: bool = False) -> str | None:
        """`text` with everything this account says about the person masked (see `mask_text`)."""
        return mask_text(text, self.names, region=self.region, personal=self, amounts=amounts)


def _attribute_kind(key: str) -> str | None:
    if _EMAIL_KEY.search(key):
        return "emails"
    if _PHONE_KEY.search(key):
        return "phones"
    if _ID_KEY.search(key):
        return "ids"
    if _ADDRESS_KEY.search(key):
        return "addresses"
    if _NAME_KEY.search(key):
        return "names"
    return None


def _amount_forms(balance: Any) -> tuple[str, ...]:
    """The ways a balance is written in a message: `87300.00`, `87,300.00`, `87,300`."""
    try:
        value = Decimal(str(balance))
    except (InvalidOperation, ValueError):
        return ()
    if not value.is_finite() or value <= 0 or value.adjusted() > 30:
        return ()
    forms = {str(value), f"{value:,.2f}", f"{value:.2f}"}
    if value == value.to_integral_value():
        forms |= {f"{value:,.0f}", f"{value:.0f}"}
    return tuple(sorted(forms, key=len, reverse=True))


def _phone_forms(number: str, region: str | None) -> list[str]:
    """A known phone number as it may be written: as stored, E.164, international, national."""
    forms = {number}
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return [number]
    for fmt in (
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
    ):
        forms.add(phonenumbers.format_number(parsed, fmt))
    forms.add(str(parsed.national_number))
    return sorted((f for f in forms if sum(c.isdigit() for c in f) >= 7), key=len, reverse=True)


def _mask_known(text: str, personal: Personal) -> str:
    """Replace the exact values the account holds (longest first, so parts follow wholes)."""
    for phone in personal.phones:
        for form in _phone_forms(phone, personal.region):
            text = text.replace(form, mask_phone(form) or "")
    for email in personal.emails:
        text = text.replace(email, mask_email(email) or "")
    for value in sorted(personal.ids, key=len, reverse=True):
        text = text.replace(value, mask_id(value) or "")
    for value in sorted(personal.addresses, key=len, reverse=True):
        text = text.replace(value, value[:1] + "***")
    return text


def _phone_or_keep(match: re.Match[str]) -> str:
    """Mask a digit run only if it can be a phone number: 10+ digits and not a date."""
    text = match.group()
    if sum(c.isdigit() for c in text) < 10 or _DATE.search(text):
        return text
    return mask_phone(text) or ""


def _mask_phones(text: str, region: str | None) -> str:
    """Every number libphonenumber finds valid for `region` (or with a `+`), then long digit runs."""
    found = phonenumbers.PhoneNumberMatcher(text, region or "ZZ", leniency=phonenumbers.Leniency.VALID)
    spans = [(m.start, m.end, m.raw_string) for m in found]
    for start, end, raw in reversed(spans):
        text = text[:start] + (mask_phone(raw) or "") + text[end:]
    return _PHONE.sub(_phone_or_keep, text)


def _name_parts(names: Iterable[str]) -> list[str]:
    """Full names, then their words (a letter says "Dear Ms Taylor"), longest first."""
    out: set[str] = set()
    for name in names:
        if not name or not name.strip():
            continue
        out.add(name.strip())
        if not _is_cjk(name):
            out.update(part for part in name.split() if len(part) >= 2)
    return sorted(out, key=len, reverse=True)


def _mask_names(text: str, names: Iterable[str]) -> str:
    for name in _name_parts(names):
        if _is_cjk(name):
            text = text.replace(name, mask_name(name) or "")
            surname = name[0]
            for title in _CJK_HONORIFIC:
                text = text.replace(surname + title, "*" + title)
        else:
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
            text = pattern.sub(mask_name(name) or "", text)
    return text


def _mask_amounts(text: str, known: Iterable[str]) -> str:
    text = _AMOUNT.sub(lambda m: (m.group("pre") or "") + "***" + (m.group("post") or ""), text)
    for form in known:
        text = re.sub(rf"(?<![\w.,*]){re.escape(form)}(?![\d])", "***", text)
    return text


def mask_text(
    text: str | None,
    names: Iterable[str] = (),
    *,
    region: str | None = None,
    personal: Personal | None = None,
    amounts: bool = False,
) -> str | None:
    """Mask every e-mail, ID number and phone number in free text, and the given names.

    `personal` adds what one account holds (its names, numbers in every format, e-mails, IDs,
    addresses); `region` is where national-format phone numbers are looked up (CN, US, GB);
    `amounts` also masks money amounts (and the account's balance) for reports that say so.
    """
    if not text:
        return text
    out = _mask_known(text, personal) if personal else text
    out = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", out)
    for pattern in _IDS:
        out = pattern.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], out)
    out = _mask_phones(out, region)
    out = _mask_names(out, [*names, *(personal.names if personal else ())])
    if amounts:
        out = _mask_amounts(out, personal.amounts if personal else ())
    return out


def mask_contact(value: str | None) -> str | None:
    """A contact address of unknown kind: e-mail or phone."""
    if value and "@" in value:
        return mask_email(value)
    if value and re.fullmatch(r"\+?[\d\s()-]{5,}", value):
        return mask_phone(value)
    return value
