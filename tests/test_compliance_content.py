"""The content rules' fast path (`content.find`) answers exactly what the plain search does.

`find` may skip the category's regular expression only when a cheaper test proves it cannot
match; these tests build texts from the phrase lists themselves (whole phrases, pieces of
them, the prefilter's own literals), in mixed case, glued with English, Chinese and the
characters whose case folding is special in `re`, and compare `find` with `search` for
every category.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.compliance import content

CATEGORIES = sorted(content.PATTERNS)
LITERALS = sorted(
    {lit for p in content.PREFILTERS.values() if p for clauses in p.conditions for c in clauses for lit in c}
)
FILLER = ["please", "call us", "you", "we will", "your", "full", "payment", "today", "this is", "i am", "的", "您好",
          "逾期", "请", "法院", "stop", "out", "opt", "fu", "ck", "court"]  # fmt: skip
# Characters `str.lower()` and `re` fold differently, or that change length when lowered.
TRICKY = ["ſ", "K", "ı", "İ", "µ", "ß", "ẞ", "Σ", "ς", "é", "Ǆ", "ﬅ", "ﬆ", "\u0345", "Ａ", "ｆ"]
SEPARATORS = ["", " ", "  ", "\n", ", ", ".", "'", "-", "，", "。", "_", "9", "x", "¥", "—"]


def _cased(draw: Any, text: str) -> str:
    how = draw(st.sampled_from(["same", "upper", "title", "swap", "mixed"]))
    if how == "upper":
        return text.upper()
    if how == "title":
        return text.title()
    if how == "swap":
        return text.swapcase()
    if how == "mixed":
        flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
        return "".join(ch.upper() if flip else ch for ch, flip in zip(text, flips, strict=True))
    return text


@st.composite
def pieces(draw: Any) -> str:
    kind = draw(st.sampled_from(["en", "zh", "literal", "filler", "tricky", "cut"]))
    category = draw(st.sampled_from(CATEGORIES))
    if kind == "en":
        piece = draw(st.from_regex(re.compile(draw(st.sampled_from(content._EN[category]))), fullmatch=True))
    elif kind == "zh":
        piece = draw(st.sampled_from(content._ZH[category]))
    elif kind == "literal":
        piece = draw(st.sampled_from(LITERALS))
    elif kind == "filler":
        piece = draw(st.sampled_from(FILLER))
    elif kind == "tricky":
        piece = draw(st.sampled_from(TRICKY))
    else:  # a phrase with a character dropped or swapped: near misses
        phrase = draw(st.sampled_from(content._ZH[category] + [p for p in content._EN[category] if p.isalpha()]))
        i = draw(st.integers(0, len(phrase) - 1))
        piece = phrase[:i] + draw(st.sampled_from(["", "x", " ", "ſ", "K", "ı"])) + phrase[i + 1 :]
    return _cased(draw, piece)


@st.composite
def texts(draw: Any) -> str:
    parts = draw(st.lists(pieces(), min_size=1, max_size=8))
    out = ""
    for part in parts:
        out += draw(st.sampled_from(SEPARATORS)) + part
    return out + draw(st.sampled_from(SEPARATORS))


@settings(max_examples=2000, deadline=None)
@given(texts())
def test_find_equals_plain_search(text: str) -> None:
    for category in CATEGORIES:
        assert content.find(category, text) == content.search(category, text), (category, text)


def test_find_on_known_texts() -> None:
    cases = {
        "We know where you live.": "threat",
        "老赖，后果自负": "insult",
        "THIS IS THE POLICE": "impersonation",
        "You will be ARRESTED": "arrest",
        "We will sue": "suit",
        "Your DEBT is overdue": "debt",
        "Reply STOP to opt out": "opt_out",
        "回复td退订": "opt_out",
        "take out a new loan to pay": "borrowing",
        "Pay the full balance today.": "lump_sum",
        "what the ffuuck": "insult",
        "ſue": "suit",  # long s folds to s in `re`: the prefilter must step aside
    }
    for text, category in cases.items():
        assert content.find(category, text) is not None, (category, text)
        assert content.find(category, text) == content.search(category, text)


def test_every_category_has_a_prefilter() -> None:
    """Otherwise that category silently takes the slow path on every text."""
    assert all(content.PREFILTERS[c] is not None for c in CATEGORIES)


def test_caseless_characters_have_no_case_in_re() -> None:
    """The characters the prefilter trusts `str.lower()` with fold to nothing else in `re`."""
    chars = "".join(chr(code) for code in range(0x80, 0x10000) if not content._CASED_NON_ASCII.match(chr(code)))
    assert chars and chars.lower() == chars == chars.upper()
    assert re.search("[a-z]", chars, re.IGNORECASE) is None
