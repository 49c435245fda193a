"""The content rules on the labelled corpus: recall on refused messages and the share of
allowed messages let through may not fall below the floors recorded in baseline.yaml.

Raising a floor after an improvement is the point; lowering one needs a reason in the
commit (a corpus label found wrong), never "the matcher got worse".
"""

from __future__ import annotations

import pytest
import yaml

from engine.compliance import evaluation
from engine.compliance.content import MEANINGS

BASELINE = yaml.safe_load((evaluation.CORPUS_DIR / "baseline.yaml").read_text(encoding="utf-8"))
CASES = [(stem, code) for stem, lang in evaluation.CORPORA for code in evaluation.PACKS[lang]]


@pytest.mark.parametrize(("stem", "code"), CASES)
def test_pack_keeps_its_recall_and_precision(stem: str, code: str) -> None:
    floor = BASELINE[stem][code]
    score = evaluation.pack_score(code, evaluation.load_corpus(stem))
    assert score.refused_recall >= floor["refused_recall"], ("newly missed?", score.misses)
    assert score.allowed_pass >= floor["allowed_pass"], ("newly refused?", score.false_alarms)


def test_every_measured_pair_has_a_floor() -> None:
    assert {(stem, code) for stem, code in CASES} == {(s, c) for s, packs in BASELINE.items() for c in packs}


@pytest.mark.parametrize("stem", ["zh", "en"])
def test_corpus_is_large_and_covers_every_class_both_ways(stem: str) -> None:
    messages = evaluation.load_corpus(stem)
    assert len(messages) >= 300
    assert sum(not m.label for m in messages) >= 100, "too few lawful messages to measure precision"
    for cls in MEANINGS:
        assert sum(cls in m.label for m in messages) >= 15, cls


def test_malformed_corpus_entry_names_file_and_line(tmp_path) -> None:
    (tmp_path / "xx.yaml").write_text("messages:\n  - {text: hi, label: allowed}\n  - {text: hi, label: [nope]}\n")
    with pytest.raises(evaluation.InputError) as err:
        evaluation.load_corpus("xx", tmp_path)
    assert err.value.problems[0].line == 3 and "messages[1]" in err.value.problems[0].message
