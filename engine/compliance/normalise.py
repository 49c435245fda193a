"""Text normalisation for the content rules: one canonical form that rewording tricks map to.

A collector who writes "ＰＯＬＩＣＥ", "p0lice", "p o l i c e", "po.lice", "рolice" (Cyrillic
р), "警察" with a zero-width space inside or in traditional characters means the police all
the same, so every text is brought to one form before any lexicon term is looked for — and
the lexicon's own terms go through the same function, so they meet the text on equal terms:

1. NFKC (full-width letters and digits become half-width, ligatures split), lower case,
   format and control characters (zero-width spaces, joiners, bidi marks, soft hyphens)
   dropped, curly apostrophes made straight;
2. traditional Chinese to simplified (OpenCC `t2s`), only when the text has Han characters;
3. Latin look-alikes from Cyrillic and Greek mapped to Latin letters; inside a word, leet
   digits and signs mapped to letters ("arr3st", "j@il", "sh!t");
4. English contractions expanded ("we'll" -> "we will", "won't" -> "will not"), "'s" dropped;
5. letters spelt out one by one ("a r r e s t", "t.e.l.l") joined, and punctuation inside a
   word ("po.lice", "f*ck") removed.

The result is then read three ways (`Views`): as English words (text-speak such as "u", "ur"
expanded, runs of three or more equal letters squeezed) and as a stream of Han characters
and ASCII letters/digits with everything else removed, so "抓 你" and "抓.你" read "抓你";
and as bare Latin letters, so "we k now where you live" still holds "weknowwhereyoulive".
Positions of both views are mapped back to the normalised text, where sentence and phrase
boundaries are kept for the combination and negation windows.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_HAN = re.compile(f"[{HAN}]")
_HAN_STREAM = re.compile(f"[{HAN}a-z0-9]+")
_WORD = re.compile(r"[a-z]+")

# Cyrillic and Greek letters that look like Latin ones (lower case; NFKC and lower() ran).
_HOMOGLYPHS = str.maketrans(
    "аеорсухѕіјԁһӏɡνοαεικρτυχвмнтк",
    "aeopcyxsijdhlgvoaeikptuxbmhtk",
)
_LEET = str.maketrans("013457", "oieast")
_LEET_SIGN = re.compile(r"(?<=[a-z0-9])[@$!|](?=[a-z0-9])")
_LEET_WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")
_CONTRACTIONS = [
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\b(it|that|what|he|she|there|who|where|here)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),
]
# Three or more single letters separated by at most two spacing/punctuation characters.
_SPELT = re.compile(r"(?<![a-z])[a-z](?:[\s.\-_*·,/]{1,2}[a-z](?![a-z])){2,}")
_SPELT_SEP = re.compile(r"[^a-z]")
_INNER_PUNCT = re.compile(r"(?<=[a-z])[.\-_*'·](?=[a-z])")
_SQUEEZE = re.compile(r"([a-z])\1{2,}")
TEXT_SPEAK = {"u": "you", "ur": "your", "r": "are", "youll": "you will", "im": "i am", "dont": "do not",
              "wont": "will not", "cant": "can not", "pls": "please", "plz": "please"}  # fmt: skip
_CLAUSE_END = re.compile(r"[。！？!?；;\n]|\.(?=\s|$)")
_PHRASE_END = re.compile(r"[。！？!?；;\n,，、:：]|\.(?=\s|$)")


@cache
def _invisible() -> re.Pattern[str]:
    """Format (Cf) and control (Cc) characters other than tab and newline, as one class."""
    planes = [*range(0x10000), *range(0xE0000, 0xE0080)]  # the BMP and the tag characters
    codes = [c for c in planes if unicodedata.category(chr(c)) in ("Cf", "Cc")]
    codes = [c for c in codes if chr(c) not in "\t\n"]
    return re.compile("[" + "".join(re.escape(chr(c)) for c in codes) + "]")


@cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    return word.translate(_LEET) if not word.isalpha() else word


def normalise(text: str) -> str:
    """The canonical form of `text` (steps 1-5 of the module docstring)."""
    text = _invisible().sub("", unicodedata.normalize("NFKC", text)).lower().replace("’", "'")
    if _HAS_HAN.search(text):
        text = _t2s().convert(text)  # type: ignore[attr-defined]
    if not text.isascii():
        text = text.translate(_HOMOGLYPHS)
    text = _LEET_SIGN.sub(lambda m: {"@": "a", "$": "s", "!": "i", "|": "l"}[m.group(0)], text)
    text = _LEET_WORD.sub(_unleet, text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _SPELT.sub(lambda m: _SPELT_SEP.sub("", m.group(0)), text)
    return _INNER_PUNCT.sub("", text)


@dataclass(frozen=True)
class Views:
    """The normalised text and its two readings, with positions mapped back to `text`."""

    text: str
    words: str  # " w1 w2 ... " : whole-word terms are found as " term "
    word_starts: tuple[int, ...]  # per word: its offset in `words`
    word_spans: tuple[tuple[int, int], ...]  # per word: its span in `text`
    han: str  # Han characters and ASCII letters/digits only ("" when the text has no Han)
    han_offsets: tuple[int, ...]  # per character of `han`: its offset in `text`
    latin: str  # ASCII letters only, everything else removed
    latin_offsets: tuple[int, ...]
    clause_ends: tuple[int, ...]
    phrase_ends: tuple[int, ...]

    def word_span(self, start: int, end: int) -> tuple[int, int]:
        """The span in `text` of the words a match [start, end) of `words` covers."""
        first = bisect_right(self.word_starts, start) - 1
        last = bisect_right(self.word_starts, end - 1) - 1
        return self.word_spans[max(first, 0)][0], self.word_spans[max(last, 0)][1]

    def han_span(self, start: int, end: int) -> tuple[int, int]:
        return self.han_offsets[start], self.han_offsets[end - 1] + 1

    def clause(self, pos: int) -> int:
        return bisect_right(self.clause_ends, pos)

    def phrase(self, pos: int) -> int:
        return bisect_right(self.phrase_ends, pos)


def _words(text: str) -> tuple[str, tuple[int, ...], tuple[tuple[int, int], ...]]:
    parts, starts, spans, at = [" "], [], [], 1
    for match in _WORD.finditer(text):
        word = TEXT_SPEAK.get(match.group(0)) or _SQUEEZE.sub(r"\1", match.group(0))
        starts.append(at)
        spans.append(match.span())
        parts.append(word + " ")
        at += len(word) + 1
    return "".join(parts), tuple(starts), tuple(spans)


def as_words(text: str) -> str:
    """`text` normalised and read as words: the form a whole-word lexicon term takes."""
    return _words(normalise(text))[0].strip()


def views(text: str) -> Views:
    """Normalise `text` and read it as words and as a Han stream."""
    norm = normalise(text)
    words, starts, spans = _words(norm)
    han, offsets = "", ()
    if _HAS_HAN.search(norm):
        runs = list(_HAN_STREAM.finditer(norm))
        han = "".join(m.group(0) for m in runs)
        offsets = tuple(i for m in runs for i in range(m.start(), m.end()))
    letters = list(_WORD.finditer(norm))
    latin = "".join(m.group(0) for m in letters)
    latin_offsets = tuple(i for m in letters for i in range(m.start(), m.end()))
    clauses = tuple(m.start() for m in _CLAUSE_END.finditer(norm))
    phrases = tuple(m.start() for m in _PHRASE_END.finditer(norm))
    return Views(norm, words, starts, spans, han, offsets, latin, latin_offsets, clauses, phrases)
