"""Message templates: Jinja2 in its sandbox, with StrictUndefined.

A letter must never go out with a blank amount, so an unknown variable is an error, and
every template is rendered at validation time against sample facts in each shape the
context can take (with and without offers and incentives). Money is formatted per currency
and locale by Babel. Templates can only read the context below; they cannot reach Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import DictLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

OPT_OUT = {
    "zh": "回复TD退订",
    "en": "Reply STOP to opt out of texts; e-mail: use the unsubscribe link or reply UNSUBSCRIBE.",
}
DEFAULT_NAME = {"zh": "客户", "en": "Customer"}


@dataclass(frozen=True)
class TemplateFault:
    template: str
    line: int
    message: str


def _template_line(exc: BaseException, name: str) -> int:
    """The template line an exception was raised at (Jinja maps frames to template lines)."""
    line = getattr(exc, "lineno", None)
    if line:
        return int(line)
    tb = exc.__traceback__
    found = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


class _NamedLoader(DictLoader):
    """A DictLoader that gives each template its name as file name: Jinja then maps a
    render-time error's frames to `name` and its line, which `_template_line` reads (with
    no file name every frame is `<template>` and every fault was reported at line 1)."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
        source, _, uptodate = super().get_source(environment, template)
        return source, template, uptodate


class TemplateSet:
    """The templates one playbook uses, compiled once, rendered per action."""

    def __init__(self, sources: dict[str, str], locale: str) -> None:
        self.sources = dict(sources)
        self.locale = locale
        self.language = locale.split("_")[0]
        self.env = SandboxedEnvironment(
            loader=_NamedLoader(self.sources),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )
        self._locale = Locale.parse(locale)
        # Formatting is pure; the same amounts and deadlines recur across a portfolio.
        self.money = lru_cache(maxsize=65536)(self._money)
        self.longdate = lru_cache(maxsize=4096)(self._longdate)
        self.env.filters["money"] = self.money
        self.env.filters["longdate"] = self.longdate

    def _money(self, amount: Any, currency: str | None = None) -> str:
        value = Decimal(str(amount))
        if currency:
            return format_currency(value, currency, locale=self._locale)
        return format_decimal(value, locale=self._locale)

    def _longdate(self, value: date) -> str:
        return format_date(value, format="long", locale=self._locale)

    def fault(self, name: str) -> TemplateFault | None:
        """A syntax error in `name`, or None."""
        if name not in self.sources:
            return TemplateFault(name, 0, "template file not found")
        try:
            self.env.get_template(name)
        except TemplateSyntaxError as exc:
            return TemplateFault(name, exc.lineno or 1, f"template syntax error: {exc.message}")
        return None

    def render(self, name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(name).render(context).strip()

    def try_render(self, name: str, context: dict[str, Any]) -> tuple[str | None, TemplateFault | None]:
        try:
            return self.render(name, context), None
        except TemplateError as exc:
            return None, TemplateFault(name, _template_line(exc, name), f"{type(exc).__name__}: {exc}")
        except (ArithmeticError, TypeError, ValueError) as exc:
            return None, TemplateFault(name, _template_line(exc, name), f"{type(exc).__name__}: {exc}")


def message_context(
    *,
    account: Any,
    lender: dict[str, Any],
    language: str,
    stage: str | None,
    segment: str | None,
    channel: str,
    kind: str,
    deadline: date,
    offers: list[dict[str, Any]],
    incentive: dict[str, Any] | None,
) -> dict[str, Any]:
    """The variables a template may use; the same shape at validation and at run time."""
    name = account.attributes.get("name") if isinstance(account.attributes, dict) else None
    return {
        "account": {
            "id_tail": account.account_id[-4:],
            "balance": account.balance,
            "currency": account.currency,
            "dpd": account.dpd,
            "product": account.product,
            "attributes": account.attributes,
        },
        "debtor": {"name": name or DEFAULT_NAME.get(language, "Customer")},
        "lender": lender,
        "stage": stage,
        "segment": segment,
        "channel": channel,
        "kind": kind,
        "deadline": deadline,
        "offers": offers,
        "offer": offers[0] if offers else None,
        "incentive": incentive,
        "opt_out": OPT_OUT.get(language, OPT_OUT["en"]),
    }
