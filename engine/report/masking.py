"""Masking of personal data for logs, artifacts and reports.

Collections data is personal data under PIPL, GDPR and GLBA. Anything a person might read
outside the dispatch path — console summaries, Prefect artifacts, audit reports — shows
phone numbers, e-mail addresses, ID numbers and names masked: enough left to tell two
records apart (country code and last digits, first letter and domain), not enough to call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# Chinese resident ID (18 chars), US SSN, UK National Insurance number.
_IDS = (
    re.compile(r"\b\d{17}[\dXx]\b"),
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"),
)
# Phone-like runs: optional +, then 7 or more digits possibly separated by spaces or dashes.
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s-]{5,}\d(?![\w])")


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
    if all(ord(c) > 0x2E80 for c in name.replace(" ", "")):
        return name[0] + "*" * (len(name) - 1)
    return " ".join(part[:1] + "***" for part in name.split())


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _phone_or_keep(match: re.Match[str]) -> str:
    """Mask a digit run only if it can be a phone number: 10+ digits and not a date."""
    text = match.group()
    if sum(c.isdigit() for c in text) < 10 or _DATE.search(text):
        return text
    return mask_phone(text) or ""


def mask_text(text: str | None, names: Iterable[str] = ()) -> str | None:
    """Mask every e-mail, ID number and phone number in free text, and the given names."""
    if not text:
        return text
    out = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    for pattern in _IDS:
        out = pattern.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], out)
    out = _PHONE.sub(_phone_or_keep, out)
    for name in names:
        if name:
            out = out.replace(name, mask_name(name) or "")
    return out


def mask_contact(value: str | None) -> str | None:
    """A contact address of unknown kind: e-mail or phone."""
    if value and "@" in value:
        return mask_email(value)
    if value and re.fullmatch(r"\+?[\d\s()-]{5,}", value):
        return mask_phone(value)
    return value
