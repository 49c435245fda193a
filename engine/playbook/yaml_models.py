"""YAML files validated against pydantic models, with every fault at its source position.

Playbooks and emergency plans are both YAML documents checked by `extra="forbid"` models;
this is the one place that reads such a file and turns a `ValidationError` into
`FILE:LINE:COL: field: message` problems (unknown keys at the key, bad values at the value,
a fault inside a condition string at its own column).
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from engine.contracts.errors import InputError, Problem
from engine.playbook.yaml_source import YamlDocument, load_yaml

M = TypeVar("M", bound=BaseModel)


def read_yaml_mapping(path: str | Path, what: str) -> tuple[bytes, YamlDocument]:
    """The file's bytes and its parsed document, which must be a mapping."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise InputError.at(name, 0, 0, f"cannot read {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError.at(name, 1, 1, f"not UTF-8 text: {exc.reason}") from None
    doc = load_yaml(text, name)
    if not isinstance(doc.value, dict):
        raise InputError.at(name, 1, 1, f"a {what} must be a mapping of keys to values")
    return raw, doc


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """pydantic names validator functions and union branches in the path; drop them."""
    return tuple(
        p for p in loc if not (isinstance(p, str) and (p.startswith("function-") or "[" in p or p in {"str", "int"}))
    )


def validation_problems(doc: YamlDocument, error: ValidationError, root: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = _clean_loc(item["loc"])
        unknown = item["type"] == "extra_forbidden"
        mark = doc.locate(loc, key=unknown)
        col = mark.col
        field = ".".join(str(p) for p in loc) or f"({root})"
        cause = item.get("ctx", {}).get("error")
        offset = getattr(cause, "offset", None)
        line = mark.line
        if isinstance(offset, int):  # a condition (or other inline text) fault at a column
            if mark.inline is not None:
                col = mark.col + mark.inline + offset
            elif isinstance(item.get("input"), str):
                line, col = doc.find_in_scalar(mark, item["input"], offset) or (line, col)
            message = f"{field}: invalid condition: {getattr(cause, 'message', cause)}"
        elif unknown:
            message = f"{field}: unknown key"
        elif item["type"] == "missing":
            message = f"{field}: required field missing"
        else:
            msg = item["msg"].removeprefix("Value error, ")
            value = item.get("input")
            shown = f" (got {value!r})" if isinstance(value, str | int | float | bool) else ""
            message = f"{field}: {msg}{shown}"
        problems.append(Problem(doc.file, line, col, message))
    return problems


def validate_document(model: type[M], doc: YamlDocument, root: str) -> M:
    try:
        return model.model_validate(doc.value)
    except ValidationError as exc:
        raise InputError(validation_problems(doc, exc, root)) from None


class Located(ValueError):
    """A cross-field fault raised by a model validator at a path below the model's root, so it is
    reported at the field it names rather than at the root (targets, rosters)."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


def validate_located(model: type[M], doc: YamlDocument, root: str) -> M:
    """`validate_document`, with `Located` faults placed at their own field's position."""
    try:
        return model.model_validate(doc.value)
    except ValidationError as exc:
        problems = validation_problems(doc, exc, root)
        for i, item in enumerate(exc.errors()):
            cause = item.get("ctx", {}).get("error")
            if isinstance(cause, Located):  # its path is below the model that raised it
                path = (*_clean_loc(item["loc"]), *cause.path)
                mark = doc.locate(path)
                field = ".".join(map(str, path))
                problems[i] = Problem(doc.file, mark.line, mark.col, f"{field}: {cause}")
        raise InputError(problems) from None


def declares_kind(path: str | Path, kind: str) -> bool:
    """Side documents (targets, rosters) say `kind: KIND` at the top level; commands dispatch on it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False  # the playbook loader reports it properly
    top = (line.split("#")[0].replace(" ", "") for line in text.splitlines() if not line[:1].isspace())
    return any(line in (f"kind:{kind}", f'kind:"{kind}"', f"kind:'{kind}'") for line in top)
