"""How the content rules read a text: normalisation, whole words, Chinese word boundaries,
negation and combinations (`engine.compliance.content`, `normalise`, `lexicon`).

The labelled corpus (tests/test_content_corpus.py) measures the lexicons; these tests pin
the mechanisms a reworded threat must not slip through, and the lawful wording they must
not catch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.compliance import content, lexicon
from engine.compliance.normalise import normalise
from engine.contracts.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＰＯＬＩＣＥ", "police"),  # full-width
        ("p0l1ce", "police"),  # leet
        ("j@il", "jail"),
        ("рolice", "police"),  # Cyrillic р
        ("p o l i c e", "police"),  # spelt out
        ("p.o.l.i.c.e", "police"),
        ("po.lice", "police"),  # punctuation inside a word
        ("po\u200blice", "police"),  # zero-width space
        ("we'll", "we will"),
        ("won't", "will not"),
        ("it's", "it is"),
        ("警察會上門", "警察会上门"),  # traditional -> simplified
        ("$500 due 3/1", "$500 due 3/1"),  # amounts and dates are left alone
    ],
)
def test_normalise_undoes_rewording_tricks(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("This is the P O L I C E.", "impersonation"),
        ("I am calling from the county sheriff.", "impersonation"),
        ("我们是公\u200b安局的。", "impersonation"),
        ("我 是 法 院 的", "impersonation"),
        ("我們是警察", "impersonation"),
        ("The police will come to your house.", "impersonation"),  # authority + coercive act
        ("You will be arr3sted.", "arrest"),
        ("不还钱就等着被拘.留吧", "arrest"),
        ("We will c0me to your h0use.", "visit"),  # visiting verb + place
        ("明天上门", "visit"),
        ("We will h u r t you.", "violence"),  # harming verb + victim
    ],
)
def test_reworded_threats_are_found(text: str, cls: str) -> None:
    assert cls in content.analyse(text).classes(), content.analyse(text)


@pytest.mark.parametrize(
    "text",
    [
        "如仍未还款，我司将依法向法院提起诉讼。",
        "法院将于2026年7月3日下午2时在第三法庭公开审理本案。",
        "We may take legal action in accordance with law.",
        "A hearing is scheduled at the Cook County Circuit Court on June 15, 2026 at 9:30 am.",
        "您好，我们的办公安排有调整。",  # 公安 across the words 办公/安排
        "本周六晚上门店照常营业。",  # 上门 across 晚上/门店
        "You will not be arrested or imprisoned for this debt.",  # negation, chained by "or"
        "我们不会上门催收。",
        "The office is on Police Station Road.",
    ],
)
def test_lawful_wording_is_not_refused(text: str) -> None:
    assert not content.analyse(text).classes() & set(content.MEANINGS), content.analyse(text)


@pytest.mark.parametrize(
    "text",
    [
        "In accordance with law, you will be arrested if you do not pay.",
        "我们依法告知你：不还款将被拘留。",
        "如不还款，我们可能通过法律途径让你坐牢。",
        "If you do not pay you will be arrested.",  # the negation governs "pay", not the arrest
    ],
)
def test_lawful_words_do_not_excuse_a_threat(text: str) -> None:
    assert "arrest" in content.analyse(text).classes()


def test_whole_words_only() -> None:
    assert content.find("suit", "Please pursue the matter with us.") is None  # "sue" inside a word
    assert content.find("suit", "We will sue.") == "sue"


def test_refusal_quotes_the_words_found() -> None:
    assert content.find("debt", "请转告张三，他的信用卡欠款已逾期90天。") == "欠款"
    assert content.find("arrest", "You will be ARR3STED today") == "arrested"


def _lexicon(tmp_path: Path, text: str) -> Path:
    (tmp_path / "xx.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("classes:\n  a: [x]\nbogus: 1\n", 1, "only the keys"),
        ("classes:\n  a: [x]\n  b: 3\n", 3, "classes.b"),
        ("classes:\n  a: [x]\ncombinations:\n"
         "  - {class: c, first: a, second: nope, order: then, gap: 1, within: phrase}\n", 4, "unknown class 'nope'"),
        ("classes:\n  a: [x]\nnegatable: [zz]\n", 3, "negatable"),
        ("classes: [\n", 2, "YAML syntax error"),
    ],
)  # fmt: skip
def test_broken_lexicon_names_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    with pytest.raises(InputError) as err:
        lexicon.load("xx", _lexicon(tmp_path, text))
    problem = err.value.problems[0]
    assert problem.file.endswith("xx.yaml") and problem.line == line and needle in problem.message


def test_brace_expansion() -> None:
    assert lexicon.expand("arrest{,ed} {you,him}") == ["arrest you", "arrest him", "arrested you", "arrested him"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_analysed_within_its_bounds(text: str) -> None:
    """Arbitrary Unicode (controls, surrogate-free astral characters, combining marks) never
    breaks normalisation or the mapping of hits back to the normalised text."""
    result = content.analyse(text)
    for hits in result.hits.values():
        assert all(0 <= h.start < h.end <= len(result.text) for h in hits)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["我们是警察", "后果自负", "爆通讯录", "老赖", "you will be arrested", "we know where you live"]),
    st.lists(st.sampled_from(["\u200b", "\u200d", "\ufeff", "\u00ad", " ", "  ", "·"]), min_size=1, max_size=3),
    st.integers(min_value=1),
)
def test_inserting_invisible_or_spacing_characters_hides_nothing(phrase: str, junk: list[str], seed: int) -> None:
    """Characters slipped between the letters of a refused phrase do not make it lawful."""
    before = content.analyse(phrase).classes() & set(content.MEANINGS)
    chars = list(phrase)
    for i, piece in enumerate(junk):
        at = 1 + (seed + i * 7) % (len(chars) - 1)
        chars.insert(at, piece)
    after = content.analyse("".join(chars)).classes() & set(content.MEANINGS)
    assert before and before <= after, ("".join(chars), before, after)
