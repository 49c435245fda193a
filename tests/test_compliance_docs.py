"""docs/compliance.md is generated from the rules; a stale copy fails here."""

from __future__ import annotations

import subprocess
import sys

from engine.compliance.docs import render
from engine.compliance.registry import all_rules


def test_committed_docs_are_fresh(root) -> None:
    committed = (root / "docs" / "compliance.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m engine.compliance.docs docs/compliance.md"


def test_docs_name_every_rule_with_citation_and_guidance() -> None:
    text = render()
    for rule in all_rules():
        section = text.split(f"### `{rule.id}`", 1)[1].split("\n### ", 1)[0]
        assert rule.citation in section
        assert "**Anti-pattern**" in section and "**Best practice**" in section, rule.id
        for param in rule.params:
            assert f"`{param.name}`" in section


def test_module_prints_to_stdout(root) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "engine.compliance.docs"], capture_output=True, text=True, cwd=root, check=True
    )
    assert out.stdout == render()
