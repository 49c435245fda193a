"""The per-playbook rule index names exactly the rules the compiler emits.

The evaluation steps only test `rule_id in hits`; an id the compiler does not emit would
silently never fire, and a compiled rule no step tests would be silently ignored. Checked on
the shipped playbooks and on every golden playbook (which together use every construct).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_golden import FILES, loaded_for

from engine.decide.index import PlaybookIndex
from engine.playbook.loader import LoadedPlaybook, load_playbook

SHIPPED = sorted((Path(__file__).resolve().parent.parent / "playbooks").glob("*-*.yaml"))


def _check(loaded: LoadedPlaybook) -> None:
    compiled = {rule.id for rule in loaded.program.rules}
    named = PlaybookIndex(loaded).rule_ids()
    assert named - compiled == set(), "ids the evaluation tests but the compiler does not emit"
    assert compiled - named == set(), "compiled rules no evaluation step tests"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_playbooks_are_fully_indexed(path: Path) -> None:
    _check(load_playbook(path))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_playbooks_are_fully_indexed(path: Path, tmp_path: Path) -> None:
    _check(loaded_for(path, tmp_path))

