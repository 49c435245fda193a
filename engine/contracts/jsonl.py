"""Streaming readers for the contract's JSON Lines files.

A line that is not JSON, or does not fit its model, raises `InputError` naming the file,
the line and the field. Numbers are parsed as `Decimal` so money is never rounded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from engine.contracts.errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)


def _message(item: Any) -> str:
    if item["type"] == "extra_forbidden":
        return "unknown field"
    msg = str(item["msg"])
    return msg.removeprefix("Value error, ")


def _part(part: Any) -> str:
    """One step of a field path; a key with control characters is quoted, so one problem
    stays one line of output."""
    text = str(part)
    return text if text.isprintable() else repr(text)


def describe(error: ValidationError) -> list[str]:
    """Pydantic errors as `field: message` strings, field paths dotted."""
    return [f"{'.'.join(_part(p) for p in item['loc']) or '(record)'}: {_message(item)}" for item in error.errors()]


class _NotJson(ValueError):
    """`NaN` / `Infinity`: accepted by Python's json module, but not JSON (RFC 8259)."""


def _no_constant(name: str) -> Any:
    raise _NotJson(name)


class _Unreadable(ValueError):
    """JSON that Python would read but no record of ours can hold: nesting that exhausts the
    recursion limit, an integer of thousands of digits (Python refuses to convert those with
    a bare ValueError), a `\\udXXX` escape without its pair (not a character)."""


MAX_INT_DIGITS = 40  # the largest valid whole number has 16 digits (engine.contracts.numbers)
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Unreadable(f"a whole number of {digits} digits is too long")
    return int(text)


def _loads(text: str) -> Any:
    try:
        value = json.loads(text, parse_float=Decimal, parse_int=_int, parse_constant=_no_constant)
    except RecursionError:
        raise _Unreadable("nested too deeply") from None
    if _SURROGATE.search(text):  # rare: only then pay for a check of every string
        try:
            json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError:
            raise _Unreadable("a \\u escape names half a UTF-16 surrogate pair (not a character)") from None
    return value


def parse_line(text: str, file: str, lineno: int) -> dict[str, Any]:
    try:
        value = _loads(text.rstrip("\r\n"))  # so a fault at the end of the line keeps its column
    except json.JSONDecodeError as exc:
        raise InputError.at(file, lineno, exc.colno, f"malformed JSON: {exc.msg}") from None
    except _NotJson as exc:
        raise InputError.at(file, lineno, 1, f"malformed JSON: {exc} is not a JSON value") from None
    except _Unreadable as exc:
        raise InputError.at(file, lineno, 1, f"malformed JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InputError.at(file, lineno, 1, "each line must be a JSON object")
    return value


def validate_record(model: type[M], raw: dict[str, Any], file: str, lineno: int) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError([Problem(file, lineno, 1, msg) for msg in describe(exc)]) from None


def text_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """`(line number, text)` of a UTF-8 file; a line that is not UTF-8 is an `InputError`."""
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise InputError.at(name, 0, 0, f"cannot read file: {exc.strerror}") from None
    with handle:
        for lineno, raw in enumerate(handle, start=1):
            try:
                yield lineno, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError.at(name, lineno, exc.start + 1, f"not UTF-8 text: {exc.reason}") from None


def read_models(path: str | Path, model: type[M]) -> Iterator[tuple[int, M]]:
    """Yield `(line number, record)` for each non-blank line of a JSONL file."""
    name = str(path)
    for lineno, text in text_lines(path):
        if not text.strip():
            continue
        yield lineno, validate_record(model, parse_line(text, name, lineno), name, lineno)


def read_json_file(path: str | Path, model: type[M]) -> M:
    """A single JSON object file (e.g. `ACT.json`) validated against `model`."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError.at(name, 0, 0, f"cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError.at(name, 1, exc.start + 1, f"not UTF-8 text: {exc.reason}") from None
    try:
        raw = _loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.at(name, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}") from None
    except _NotJson as exc:
        raise InputError.at(name, 1, 1, f"malformed JSON: {exc} is not a JSON value") from None
    except _Unreadable as exc:
        raise InputError.at(name, 1, 1, f"malformed JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError.at(name, 1, 1, "expected a JSON object")
    return validate_record(model, raw, name, 1)
