"""The emergency plan as playbook content: validated, with errors at FILE:LINE:COL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from emergency.plan import DEFAULT_PLAN, load_plan
from engine.contracts.errors import InputError


def test_shipped_plan_is_valid() -> None:
    loaded = load_plan(DEFAULT_PLAN)
    plan = loaded.plan
    assert set(plan.tiers) == {1, 2, 3}
    assert plan.tiers[1].stand_down.people == 2
    assert {n.id for n in plan.tiers[1].notices} == {"legal_response", "public_statement", "accountability_ticket"}
    assert plan.tiers[3].reassign and plan.tiers[3].reassign.queue == "senior_mediator"
    assert {c.id: c.then.tier for c in plan.correlations}["media_names_lender"] == 1
    assert loaded.citation(2) == "Arrears emergency plan emergency.yaml tier 2"


def _copy(tmp_path: Path, edit) -> Path:
    shutil.copytree(DEFAULT_PLAN.parent / "templates" / "emergency", tmp_path / "templates" / "emergency")
    target = tmp_path / "emergency.yaml"
    target.write_text(edit(DEFAULT_PLAN.read_text("utf-8")), "utf-8")
    return target


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_unknown_key_points_at_its_line(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda s: s.replace("    cooling_off: 48h\n", "    cooling_off: 48h\n    cooloff: 1h\n"))
    with pytest.raises(InputError) as err:
        load_plan(path)
    problem = err.value.problems[0]
    assert problem.line == _line_of(path, "cooloff:") and problem.col == 5
    assert "tiers.3.cooloff: unknown key" in problem.message


def test_automatic_tier1_must_be_a_proposal(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda s: s.replace("{tier: 1, scope: all, mode: propose}", "{tier: 1, scope: all}"))
    with pytest.raises(InputError) as err:
        load_plan(path)
    assert "must be `mode: propose`" in str(err.value)


def test_tier1_needs_two_people(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda s: s.replace("      people: 2", "      people: 1"))
    with pytest.raises(InputError, match="two distinct people"):
        load_plan(path)


def test_template_with_unknown_variable_fails_at_load(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda s: s)
    t = tmp_path / "templates" / "emergency" / "public_statement.j2"
    t.write_text(t.read_text("utf-8") + "\n{{ emergency.amount }}\n", "utf-8")
    with pytest.raises(InputError) as err:
        load_plan(path)
    assert "public_statement.j2" in str(err.value) and "amount" in str(err.value)


def test_bad_scope_in_plan(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda s: s.replace("    default_scope: all\n", "    default_scope: region=north\n", 1))
    with pytest.raises(InputError) as err:
        load_plan(path)
    assert err.value.problems[0].line == _line_of(path, "region=north")


def test_each_tier_names_the_scopes_it_may_cover() -> None:
    plan = load_plan(DEFAULT_PLAN).plan
    assert [plan.tiers[n].scopes for n in (1, 2, 3)] == [
        ["all", "jurisdiction"],
        ["segment", "collector", "agency", "jurisdiction"],
        ["account", "debtor"],
    ]
    assert plan.tiers[3].end_cooling_off.people == 2  # four eyes to lift the 48 h early


def test_default_scope_must_be_one_the_tier_allows(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda s: s.replace("    scopes: [account, debtor]\n", "    scopes: [account, debtor]\n"
                                                "    default_scope: all\n"))
    with pytest.raises(InputError) as err:
        load_plan(path)
    assert err.value.problems[0].line == _line_of(path, "scopes: [account, debtor]") + 1
    assert "default_scope 'all': `all` is not allowed" in str(err.value)


def test_a_tier_without_scopes_is_an_error(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda s: s.replace("    scopes: [account, debtor]\n", ""))
    with pytest.raises(InputError, match=r"tiers\.3\.scopes"):
        load_plan(path)
