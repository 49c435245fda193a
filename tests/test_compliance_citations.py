"""Every compliance rule cites the law down to the article (paragraph, section), not just the
document: an auditor reading a refusal must be able to open the provision it rests on.

One pattern per jurisdiction (and per US state for the overlays); a rule whose citation names
only a document — "FCA CONC 7.9", "the credit card measures" — fails here.
"""

from __future__ import annotations

import re

import pytest

from engine.compliance.registry import all_rules, regions, rules_for

CN_ARTICLE = r"《[^》]+》第[一二三四五六七八九十百千零]+条"
ARTICLE = {
    "CN": CN_ARTICLE,
    "UK": r"CONC \d+\.\d+\.\d+[RG]\b|SI \d{4}/\d+ .*regs?\. \d+",
    "US": r"\b\d+ CFR \d+\.\d+(\([a-z0-9]+\))*|\b\d+ U\.S\.C\. \d+",
}
STATE_ARTICLE = {
    "CA": r"Cal\. Civ\. Code § 1788\.\d+(\([a-z]\))?",
    "MA": r"940 CMR 7\.\d+\(\d+\)\([a-z]\)",
    "NY": r"23 NYCRR \d+\.\d+",
    "WA": r"RCW 19\.16\.\d+",
}
RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_citation_names_the_article(rule) -> None:
    pattern = STATE_ARTICLE[rule.region] if rule.region else ARTICLE[rule.jurisdiction]
    assert re.search(pattern, rule.citation), f"{rule.id}: {rule.citation!r} does not cite an article"


def test_the_patterns_refuse_document_level_citations() -> None:
    for jurisdiction, citation in [
        ("UK", "FCA CONC 7.9"),
        ("UK", "FCA CONC 7.11"),
        ("CN", "Credit Card Measures (信用卡业务监督管理办法)"),
        ("CN", "GB/T 45251-2025"),
        ("US", "Regulation F"),
    ]:
        assert not re.search(ARTICLE[jurisdiction], citation), citation


def test_every_overlay_state_has_a_citation_pattern_and_national_rules_stay_national() -> None:
    assert set(regions()) == {"US"}
    assert set(regions()["US"]) <= set(STATE_ARTICLE)
    national = {r.id for r in rules_for("US")}
    for state in regions()["US"]:
        overlay = {r.id for r in rules_for("US", state)} - national
        assert overlay and all(rid.startswith(f"US.{state}.") for rid in overlay), (state, overlay)
