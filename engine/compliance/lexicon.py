"""The content rules' lexicons (`lexicon/<lang>.yaml`) and the matcher built from them once.

A lexicon is data, not code: per language, classes of meaning (who is claimed, what is
threatened, ...) with their terms, the combinations that derive a class from two others
near each other, and which classes a negation can cancel. This module reads the files
(through the positions-aware YAML reader, so a fault names file, line and field), expands
`{a,b}` alternatives, normalises every term exactly as texts are normalised, and builds two
Aho-Corasick automata (pyahocorasick) for all languages together: one over the word view
(terms padded with spaces, so only whole words match), one over the Han stream, and one
over the Latin letters with spaces removed (long terms only, see `LATIN_MIN`). Built
once per process, on first use.

For Chinese, short terms are checked against word boundaries from jieba with the lexicon's
terms as its domain dictionary (`Matcher.segmented`): "公安" is a hit in "我们是公安" but not
in "办公安排", "上门" in "明天上门" but not in "晚上门店".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import ahocorasick

from engine.compliance.normalise import HAN, as_words, normalise
from engine.contracts.errors import InputError

LEXICON_DIR = Path(__file__).parent / "lexicon"
LANGUAGES = ("zh", "en")
# Frequency given to lexicon terms in jieba's dictionary: high enough that "会/上门" wins
# over "会上/门", low enough not to break common words ("办公/安排" stays).
DOMAIN_FREQ = 20000
# English terms this long (letters only) are also looked for with all spaces removed, so a
# space slipped inside a word ("we k now where you live", "dead beat") hides nothing; shorter
# ones would match across innocent word boundaries too often.
LATIN_MIN = 8
_KEYS = {"negation_gap", "negatable", "unsegmented", "classes", "combinations"}
_COMBINATION_KEYS = {"class", "first", "second", "order", "gap", "within"}
_BRACES = re.compile(r"\{([^{}]*)\}")
_HAS_HAN = re.compile(f"[{HAN}]")


@dataclass(frozen=True)
class Combination:
    """`first` and `second` near each other make `cls` (`order` "then" or "any"; at most
    `gap` characters apart, in the same `within` unit: "phrase" or "clause")."""

    cls: str
    first: str
    second: str
    order: str
    gap: int
    within: str


@dataclass(frozen=True)
class Lexicon:
    lang: str
    terms: dict[str, frozenset[str]]
    combinations: tuple[Combination, ...]
    negation_gap: int
    negatable: frozenset[str]
    unsegmented: frozenset[str]


def expand(pattern: str) -> list[str]:
    """`"arrest{,ed} {you,him}"` -> every alternative, in order."""
    pieces = _BRACES.split(pattern)  # literal, alternatives, literal, ...
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(pieces)]
    return ["".join(parts) for parts in product(*choices)]


def _term(raw: str) -> str:
    """A term as the text it must meet: normalised, and read as words unless it has Han."""
    norm = normalise(raw).strip()
    return norm if _HAS_HAN.search(norm) else as_words(raw)


def _fault(doc: Any, path: tuple[str | int, ...], message: str) -> InputError:
    mark = doc.values.get(path) or doc.keys.get(path)
    line, col = (mark.line, mark.col) if mark else (1, 1)
    return InputError.at(doc.file, line, col, message)


def _combination(doc: Any, i: int, raw: Any, classes: set[str]) -> Combination:
    path: tuple[str | int, ...] = ("combinations", i)
    if not isinstance(raw, dict) or set(raw) != _COMBINATION_KEYS:
        raise _fault(doc, path, f"a combination needs exactly the keys {sorted(_COMBINATION_KEYS)}")
    for key in ("first", "second"):
        if raw[key] not in classes:
            raise _fault(doc, (*path, key), f"combinations[{i}].{key}: unknown class {raw[key]!r}")
    if raw["order"] not in ("then", "any") or raw["within"] not in ("phrase", "clause"):
        raise _fault(doc, path, f"combinations[{i}]: order is then|any, within is phrase|clause")
    if not isinstance(raw["gap"], int) or raw["gap"] < 0:
        raise _fault(doc, (*path, "gap"), f"combinations[{i}].gap: a whole number >= 0")
    return Combination(raw["class"], raw["first"], raw["second"], raw["order"], raw["gap"], raw["within"])


def load(lang: str, directory: Path = LEXICON_DIR) -> Lexicon:
    """Read and check one lexicon file; faults are `InputError`s naming file and line."""
    from engine.playbook.yaml_source import load_yaml  # the one positions-aware YAML reader

    file = directory / f"{lang}.yaml"
    doc = load_yaml(file.read_text(encoding="utf-8"), str(file))
    value = doc.value
    if not isinstance(value, dict) or not set(value) <= _KEYS or "classes" not in value:
        raise _fault(doc, (), f"a lexicon is a mapping with `classes` and only the keys {sorted(_KEYS)}")
    terms: dict[str, frozenset[str]] = {}
    for cls, patterns in value["classes"].items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise _fault(doc, ("classes", cls), f"classes.{cls}: a list of non-empty strings")
        terms[cls] = frozenset(t for p in patterns for t in (_term(x) for x in expand(p)) if t)
    combos = tuple(_combination(doc, i, c, set(terms)) for i, c in enumerate(value.get("combinations", [])))
    for key in ("negatable", "unsegmented"):
        unknown = set(value.get(key, [])) - set(terms) - {c.cls for c in combos}
        if unknown:
            raise _fault(doc, (key,), f"{key}: unknown classes {sorted(unknown)}")
    gap = value.get("negation_gap", 0)
    if not isinstance(gap, int) or gap < 0:
        raise _fault(doc, ("negation_gap",), "negation_gap: a whole number >= 0")
    return Lexicon(lang, terms, combos, gap, frozenset(value.get("negatable", [])),
                   frozenset(value.get("unsegmented", [])))  # fmt: skip


class Matcher:
    """Both automata over every language's terms, and jieba for Chinese word boundaries."""

    def __init__(self, lexicons: tuple[Lexicon, ...]) -> None:
        self.lexicons = {lex.lang: lex for lex in lexicons}
        self.combinations = tuple(dict.fromkeys(c for lex in lexicons for c in lex.combinations))
        self.words, self.han, self.latin = ahocorasick.Automaton(), ahocorasick.Automaton(), ahocorasick.Automaton()
        entries: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for lex in lexicons:
            for cls, terms in lex.terms.items():
                for term in terms:
                    view = "han" if _HAS_HAN.search(term) else "words"
                    key = term.replace(" ", "") if view == "han" else f" {term} "
                    entries.setdefault((view, key), set()).add((cls, lex.lang))
        latin: dict[str, set[tuple[str, str]]] = {}
        for (view, key), classes in entries.items():
            automaton = self.han if view == "han" else self.words
            automaton.add_word(key, (len(key), tuple(sorted(classes))))
            joined = key.replace(" ", "")
            if view == "words" and len(joined) >= LATIN_MIN:
                latin.setdefault(joined, set()).update(classes)
        for key, classes in latin.items():
            self.latin.add_word(key, (len(key), tuple(sorted(classes))))
        for automaton in (self.words, self.han, self.latin):
            if len(automaton):
                automaton.make_automaton()
        self.domain = sorted({k for (v, k) in entries if v == "han" and len(k) >= 2 and _HAS_HAN.fullmatch(k[0])})

    @cache  # noqa: B019 - one matcher per process, kept for its life
    def segmenter(self) -> Any:
        """jieba with the lexicon's Chinese terms added as its domain dictionary."""
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for term in self.domain:
            tokenizer.add_word(term, freq=max(tokenizer.FREQ.get(term, 0) or 0, DOMAIN_FREQ))
        return tokenizer

    def segmented(self, han: str, start: int, end: int) -> bool:
        """Whether jieba's words leave [start, end) of the Han stream whole: the hit is one
        or more words, or lies inside one word ("登门" in "登门拜访"), but no word crosses
        its edge ("公安" in "办公/安排", "上门" in "晚上/门店")."""
        lo, hi = max(0, start - 6), min(len(han), end + 6)
        at = lo
        for token in self.segmenter().cut(han[lo:hi], HMM=False):
            a, at = at, at + len(token)
            if a <= start and end <= at:
                return True  # inside one word (or exactly one word)
            if a < start < at or a < end < at:
                return False  # a word crosses an edge of the hit
        return True


@cache
def matcher() -> Matcher:
    """The process's matcher over all lexicons, built on first use."""
    return Matcher(tuple(load(lang) for lang in LANGUAGES))
