"""YAML loading that remembers where every key and value came from.

Validation errors must point at `FILE:LINE:COL` of the offending key or scalar, so the
document is composed into PyYAML nodes and walked once, building the Python value and a
map from each path (`("stages", 2, "when")`) to its source position. Duplicate keys, which
PyYAML silently collapses, are reported as errors here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.contracts.errors import InputError, Problem

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based source position. `inline` is where a single-line scalar's text starts
    relative to `col` (0 plain, 1 quoted), None for block or multi-line scalars."""

    line: int
    col: int
    inline: int | None = None


@dataclass
class YamlDocument:
    """A loaded document: its value and where each part of it stands in the file."""

    file: str
    value: Any
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)
    text: str = ""

    def find_in_scalar(self, mark: Mark, value: str, offset: int) -> tuple[int, int] | None:
        """Where character `offset` of a block or multi-line scalar's value stands in the file.

        Folding changes only line breaks and indentation, so the word at `offset` appears
        verbatim: find the same occurrence of it at or after the scalar's start.
        """
        word = value[offset:].split(maxsplit=1)[0] if value[offset:].strip() else ""
        if not word:
            return None
        nth = value[:offset].count(word)
        lines = self.text.splitlines()
        line, col = mark.line - 1, mark.col - 1
        seen = 0
        while line < len(lines):
            at = lines[line].find(word, col)
            while at >= 0:
                if seen == nth:
                    return line + 1, at + 1
                seen += 1
                at = lines[line].find(word, at + 1)
            line, col = line + 1, 0
        return None

    def locate(self, path: Path, *, key: bool = False) -> Mark:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        probe = tuple(path)
        while probe:
            table = self.keys if key else self.values
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
            key = False
        return self.values.get((), Mark(1, 1))


def _mark(node: yaml.Node) -> Mark:
    start, end = node.start_mark, node.end_mark
    inline = None
    if isinstance(node, yaml.ScalarNode) and start.line == end.line:
        inline = {None: 0, "'": 1, '"': 1}.get(node.style)
    return Mark(start.line + 1, start.column + 1, inline)


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, doc: YamlDocument) -> None:
        self.loader = loader
        self.doc = doc
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.doc.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int):
                    m = _mark(key_node)
                    self.problems.append(Problem(self.doc.file, m.line, m.col, "mapping keys must be scalars"))
                    continue
                if key in out:
                    m = _mark(key_node)
                    self.problems.append(Problem(self.doc.file, m.line, m.col, f"duplicate key {key!r}"))
                    continue
                self.doc.keys[(*path, key)] = _mark(key_node)
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. `2026-02-30`: a timestamp-shaped scalar that is no date
            m = _mark(node)
            self.problems.append(Problem(self.doc.file, m.line, m.col, f"{node.value!r} is not a valid value: {exc}"))
            return None


def load_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document; syntax errors become `InputError` at their position."""
    loader = yaml.SafeLoader(text)
    doc = YamlDocument(file=file, value=None, text=text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError.at(file, 1, 1, "the file is empty")
        walker = _Walker(loader, doc)
        doc.value = walker.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {exc.problem or exc.context}"
        raise InputError.at(file, line, col, message) from None
    except yaml.YAMLError as exc:
        raise InputError.at(file, 1, 1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if walker.problems:
        raise InputError(walker.problems)
    return doc
