"""The valid range of every number in the input contracts, and the checks that enforce it.

Why these limits: a number a playbook tests is handed to durable_rules, whose C core reads
it from JSON as an int64 or a C double and compares in doubles. A double holds every whole
number up to 2^53 and every decimal of at most 15 significant digits (DBL_DIG) exactly; the
core's JSON reader also cannot read an exponent without a fraction (`1e+16`, `1e-05`, what
Python writes for such doubles) and dies with a segmentation fault. So every number we
accept is one that survives that trip unchanged, with room to spare:

* money: a decimal ≥ 0 with at most the currency's minor-unit places (2 when unknown) and
  below 10^(15 − places): up to 9,999,999,999,999.99 for a currency with cents;
* whole numbers (`dpd`, scores, counts, whole attributes): within ±(2^53 − 1);
* fractional attributes: at most 4 decimal places and 15 significant digits;
* NaN and ±Infinity are never numbers.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision

MAX_EXACT_INT = 2**53 - 1  # 9,007,199,254,740,991: the largest whole number a double holds with its neighbours
SIGNIFICANT_DIGITS = 15  # DBL_DIG: decimals with this many digits survive a double unchanged
DEFAULT_MINOR_UNITS = 2
MAX_DPD = 36_500  # one hundred years
MAX_RISK_SCORE = 1_000_000
MAX_ATTRIBUTE_PLACES = 4
# Dates outside these years are typos (or fuzz); near year 1 or 9999 a shift to UTC or a
# 60-day window would overflow Python's datetime.
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_NESTING = 32  # attributes nested deeper than this are refused (a condition names a path)


def minor_units(currency: str | None) -> int:
    """Decimal places of `currency` (ISO 4217, from CLDR via babel): JPY 0, USD 2, KWD 3."""
    if currency is None:
        return DEFAULT_MINOR_UNITS
    return int(get_currency_precision(currency))


def minor_unit(currency: str | None) -> Decimal:
    """The smallest amount of `currency` as a quantum: JPY 1, USD 0.01, KWD 0.001."""
    return Decimal(1).scaleb(-minor_units(currency))


def money_text(amount: Decimal, currency: str | None) -> str:
    """`amount` written with `currency`'s minor-unit places (2 without a currency); more places
    only when the amount really has them — a sum is never rounded to look tidy."""
    shown = amount.quantize(minor_unit(currency))
    return str(shown) if shown == amount else format(amount.normalize(), "f")


def money_limit(places: int) -> Decimal:
    """Amounts must be below this: 15 significant digits in all, `places` of them decimals."""
    return Decimal(10) ** (SIGNIFICANT_DIGITS - places)


def _places(value: Decimal) -> int:
    """Decimal places actually used (`12.50` uses 1, `1E+3` none)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def finite_decimal(value: Any) -> Decimal:
    """`value` as a finite Decimal; a float goes through its shortest repr (no binary noise)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, str):
        raise ValueError("must be a JSON number or a decimal string")  # caller decides whether strings are allowed
    if not isinstance(value, int | Decimal):
        raise ValueError(f"must be a number, got {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError("must be a finite number (NaN and Infinity are not amounts)")
    return number


def check_money(value: Decimal, currency: str | None) -> Decimal:
    """An amount valid for `currency`, or a ValueError saying which limit it breaks."""
    places = minor_units(currency)
    if not value.is_finite():
        raise ValueError("must be a finite amount (NaN and Infinity are not amounts)")
    if value < 0:
        raise ValueError("must be ≥ 0")
    if _places(value) > places:
        unit = currency or "an amount without currency"
        raise ValueError(f"has {_places(value)} decimal places; {unit} allows at most {places}")
    limit = money_limit(places)
    if value >= limit:
        raise ValueError(f"must be below {limit:,.0f} (the largest amount the rules engine compares exactly)")
    return value


def check_number(value: Any, where: str = "") -> Any:
    """A number inside an attribute: refused if the rules engine could not hold it exactly."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    prefix = f"{where}: " if where else ""
    number = finite_decimal(value) if not isinstance(value, int) else Decimal(value)
    if number == number.to_integral_value():
        if abs(number) > MAX_EXACT_INT:
            raise ValueError(f"{prefix}whole numbers must be within ±{MAX_EXACT_INT:,}")
        return value
    if _places(number) > MAX_ATTRIBUTE_PLACES:
        raise ValueError(f"{prefix}at most {MAX_ATTRIBUTE_PLACES} decimal places")
    if len(number.normalize().as_tuple().digits) > SIGNIFICANT_DIGITS:
        raise ValueError(f"{prefix}at most {SIGNIFICANT_DIGITS} significant digits")
    return value


def check_literal(value: Decimal) -> Decimal:
    """A number written in a playbook condition: one the rules engine compares exactly.
    Looser than attribute data on decimal places (a threshold may be `0.12345`), never on size."""
    if value == value.to_integral_value():
        if abs(value) > MAX_EXACT_INT:
            raise ValueError(f"number {value} is beyond ±{MAX_EXACT_INT:,}: the rules engine cannot compare it exactly")
        return value
    if len(value.normalize().as_tuple().digits) > SIGNIFICANT_DIGITS or abs(value) < Decimal("0.0001"):
        raise ValueError(
            f"number {value} has more than {SIGNIFICANT_DIGITS} significant digits or is below 0.0001: "
            "the rules engine cannot compare it exactly"
        )
    return value


def check_attributes(value: Any, path: str = "attributes", depth: int = 0) -> None:
    """Every number anywhere inside `attributes` is one the engine represents exactly."""
    if depth > MAX_NESTING:
        raise ValueError(f"{path}: nested more than {MAX_NESTING} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            check_attributes(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_attributes(item, f"{path}[{index}]", depth + 1)
    else:
        check_number(value, path)


def floats_to_decimals(value: Any) -> Any:
    """Every float inside `value` as the Decimal its shortest repr spells (no binary noise)."""
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: floats_to_decimals(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [floats_to_decimals(v) for v in value]
    return value


def decimals_to_floats(value: Any) -> Any:
    """Every Decimal inside `value` as a float, for JSON: exact for numbers within the limits
    above (at most 15 significant digits), so `floats_to_decimals` gives the same value back."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: decimals_to_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [decimals_to_floats(v) for v in value]
    return value
