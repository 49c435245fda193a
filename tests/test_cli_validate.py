"""`arrears validate` through the real executable: shipped playbooks pass; every kind of
fault is refused with exit 2 and `FILE:LINE:COL: message` pointing at the right place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_helpers import PLAYBOOK, assert_refused, position, run, write_playbook

ROOT = Path(__file__).resolve().parent.parent
# YAML files under playbooks/ that are not collection playbooks (validated elsewhere).
NOT_PLAYBOOKS = {"emergency.yaml": "the emergency plan (emergency.plan)"}
SHIPPED = sorted(p for p in (ROOT / "playbooks").glob("*.yaml") if p.name not in NOT_PLAYBOOKS)


def test_shipped_playbooks_exist() -> None:
    assert {"cn-credit-card.yaml", "us-consumer-loans.yaml", "uk-consumer-credit.yaml"} <= {p.name for p in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_playbook_validates(arrears_cmd: list[str], path: Path) -> None:
    result = run(arrears_cmd, "validate", path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{path}: ok" in result.stdout


def test_validate_json_prints_identities(arrears_cmd: list[str]) -> None:
    result = run(arrears_cmd, "validate", "--json", *SHIPPED)
    assert result.returncode == 0, result.stderr
    identities = json.loads(result.stdout)
    assert [i["file"] for i in identities] == [str(p) for p in SHIPPED]
    for ident in identities:
        assert set(ident) >= {"name", "version", "sha256"}
        assert len(ident["sha256"]) == 64


def test_a_good_playbook_validates(arrears_cmd: list[str], tmp_path: Path) -> None:
    result = run(arrears_cmd, "validate", write_playbook(tmp_path))
    assert result.returncode == 0, result.stderr


def edited(tmp_path: Path, old: str, new: str, name: str = "pb.yaml") -> tuple[Path, str]:
    assert old in PLAYBOOK
    text = PLAYBOOK.replace(old, new, 1)
    return write_playbook(tmp_path, text, name=name), text


def only_problem(result, path: Path) -> dict[str, str]:
    found = assert_refused(result)
    assert len(found) == 1, found
    assert found[0]["file"] == str(path)
    return found[0]


def test_broken_yaml(arrears_cmd: list[str], tmp_path: Path) -> None:
    path, text = edited(tmp_path, "      - id: nudge\n", "      - id: nudge\n     bad: [1\n")
    (problem,) = assert_refused(run(arrears_cmd, "validate", path))
    assert problem["file"] == str(path)
    assert "YAML syntax error" in problem["message"]
    # the parser notices at the broken line or the next one, never elsewhere
    assert int(problem["line"]) in (position(text, "bad: [1")[0], position(text, "bad: [1")[0] + 1)


def test_unknown_key_points_at_the_key(arrears_cmd: list[str], tmp_path: Path) -> None:
    """dbt #5605: a misspelt key must not be ignored; the error is at the key itself."""
    path, text = edited(tmp_path, "        channel: sms\n", "        chanel: sms\n")
    found = assert_refused(run(arrears_cmd, "validate", path))
    line, col = position(text, "chanel")
    assert {"file": str(path), "line": str(line), "col": str(col),
            "message": "stages.0.treatments.0.chanel: unknown key"} in found
    # the now-missing `channel` is reported too, at the treatment
    assert any(p["message"] == "stages.0.treatments.0.channel: required field missing" for p in found)


def test_unknown_top_level_key(arrears_cmd: list[str], tmp_path: Path) -> None:
    path, text = edited(tmp_path, "priority:\n", "segmnets: []\npriority:\n")
    problem = only_problem(run(arrears_cmd, "validate", path), path)
    assert (int(problem["line"]), int(problem["col"])) == position(text, "segmnets")
    assert problem["message"] == "segmnets: unknown key"


def test_wrong_type_points_at_the_value(arrears_cmd: list[str], tmp_path: Path) -> None:
    path, text = edited(
        tmp_path, "        kind: reminder\n", "        kind: reminder\n        repeat_after_days: soon\n"
    )
    problem = only_problem(run(arrears_cmd, "validate", path), path)
    assert (int(problem["line"]), int(problem["col"])) == position(text, "soon")
    assert problem["message"].startswith("stages.0.treatments.0.repeat_after_days: ")
    assert "'soon'" in problem["message"]


def test_scalar_on_its_own_line_is_reported_at_its_line(arrears_cmd: list[str], tmp_path: Path) -> None:
    """dvc #10109: a scalar value's line is the value's own line, not its key's."""
    path, text = edited(tmp_path, "  base: 10\n", "  base:\n    ten\n")
    problem = only_problem(run(arrears_cmd, "validate", path), path)
    assert (int(problem["line"]), int(problem["col"])) == position(text, "ten\n")
    assert problem["message"].startswith("priority.base: ")


def test_wrong_enum_value(arrears_cmd: list[str], tmp_path: Path) -> None:
    path, text = edited(tmp_path, "        channel: sms\n", "        channel: pigeon\n")
    found = assert_refused(run(arrears_cmd, "validate", path))
    line, col = position(text, "pigeon")
    assert any(p["line"] == str(line) and p["col"] == str(col) and "channel" in p["message"] for p in found), found


@pytest.mark.parametrize(
    ("replacement", "target"),
    [
        ("    when: dpd >= 1 and balanc > 5 and dpd <= 30\n", "balanc >"),  # plain scalar
        ('    when: "dpd >= 1 and balanc > 5 and dpd <= 30"\n', "balanc >"),  # double-quoted
        ("    when: 'dpd >= 1 and balanc > 5 and dpd <= 30'\n", "balanc >"),  # single-quoted
        ("    when:\n      dpd >= 1 and balanc > 5 and dpd <= 30\n", "balanc >"),  # value on the next line
        ("    when: dpd >= 1 and dpd = 5\n", "= 5\n"),  # `=` instead of `==`
        ("    when: dpd >= 1 and dpd >= 'five'\n", "dpd >= 'five'"),  # type clash, at the field
    ],
    ids=["plain", "double-quoted", "single-quoted", "next-line", "single-equals", "type-clash"],
)
def test_bad_condition_column_points_inside_the_string(
    arrears_cmd: list[str], tmp_path: Path, replacement: str, target: str
) -> None:
    path, text = edited(tmp_path, "    when: dpd >= 1 and dpd <= 30\n", replacement)
    problem = only_problem(run(arrears_cmd, "validate", path), path)
    assert (int(problem["line"]), int(problem["col"])) == position(text, target)
    assert problem["message"].startswith("stages.0.when: invalid condition: ")


def test_bad_condition_in_a_flow_mapping(arrears_cmd: list[str], tmp_path: Path) -> None:
    path, text = edited(tmp_path, "{id: late, when: dpd >= 31, points: 20}", "{id: late, when: dpd >== 31, points: 20}")
    problem = only_problem(run(arrears_cmd, "validate", path), path)
    assert int(problem["line"]) == position(text, "dpd >== 31")[0]
    line_text = text.splitlines()[int(problem["line"]) - 1]
    # the column is inside the condition, at or after its start
    assert int(problem["col"]) - 1 >= line_text.index("dpd >== 31")
    assert problem["message"].startswith("priority.rules.0.when: invalid condition")


def test_duplicate_key(arrears_cmd: list[str], tmp_path: Path) -> None:
    path, text = edited(tmp_path, 'revision: "r1"\n', 'revision: "r1"\nname: other\n')
    problem = only_problem(run(arrears_cmd, "validate", path), path)
    assert (int(problem["line"]), int(problem["col"])) == position(text, "name:", occurrence=2)
    assert "duplicate key 'name'" in problem["message"]


def test_unknown_template_variable_names_the_template_and_its_line(arrears_cmd: list[str], tmp_path: Path) -> None:
    templates = {
        "sms.j2": "Hello {{ debtor.name }},\nyou owe {{ account.balance }}\nby {{ account.due_date }}.\n",
        "call.j2": "call\n",
    }
    path = write_playbook(tmp_path, templates=templates)
    (problem,) = assert_refused(run(arrears_cmd, "validate", path))
    assert problem["file"] == str(tmp_path / "templates" / "sms.j2")
    assert problem["line"] == "3"
    assert "due_date" in problem["message"]
    assert "treatment nudge" in problem["message"]


def test_template_syntax_error_names_its_line(arrears_cmd: list[str], tmp_path: Path) -> None:
    path = write_playbook(tmp_path, templates={"sms.j2": "ok\n{% if %}\n", "call.j2": "call\n"})
    (problem,) = assert_refused(run(arrears_cmd, "validate", path))
    assert problem["file"] == str(tmp_path / "templates" / "sms.j2")
    assert problem["line"] == "2"
    assert "syntax error" in problem["message"]


def test_missing_template(arrears_cmd: list[str], tmp_path: Path) -> None:
    path = write_playbook(tmp_path, templates={"sms.j2": "sms\n"})
    (problem,) = assert_refused(run(arrears_cmd, "validate", path))
    assert problem["file"] == str(tmp_path / "templates" / "call.j2")
    assert "template file not found" in problem["message"]
    assert "negotiate_call" in problem["message"]


def test_cross_field_rule_points_at_its_model(arrears_cmd: list[str], tmp_path: Path) -> None:
    offer = (
        "    offers:\n      - {id: plan, kind: instalment_plan, max_instalments: 6, max_waiver_pct: 10,\n"
        "         approval_above_pct: 20, consequence_of_default: due}\n"
    )
    path, text = edited(tmp_path, "    assign: {kind: collector, queue: negotiation}\n",
                        "    assign: {kind: collector, queue: negotiation}\n" + offer)
    problem = only_problem(run(arrears_cmd, "validate", path), path)
    assert int(problem["line"]) == position(text, "{id: plan")[0]
    assert "approval_above_pct cannot exceed max_waiver_pct" in problem["message"]


def test_every_bad_file_is_reported_and_good_ones_do_not_hide_them(arrears_cmd: list[str], tmp_path: Path) -> None:
    good = write_playbook(tmp_path / "good")
    bad, _ = edited(tmp_path, "        channel: sms\n", "        chanel: sms\n", name="bad.yaml")
    missing = tmp_path / "nope.yaml"
    found = assert_refused(run(arrears_cmd, "validate", good, bad, missing))
    files = {p["file"] for p in found}
    assert files == {str(bad), str(missing)}


def test_empty_file_and_non_mapping(arrears_cmd: list[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n", encoding="utf-8")
    found = assert_refused(run(arrears_cmd, "validate", empty, listing))
    assert [p["file"] for p in found] == [str(empty), str(listing)]


def test_validate_accepts_everything_shipped_including_the_emergency_plan(arrears_cmd) -> None:
    """`arrears validate playbooks/*.yaml` is what a strategy owner runs before a commit."""
    everything = sorted((ROOT / "playbooks").glob("*.yaml"))
    result = run(arrears_cmd, "validate", "--json", *everything)
    assert result.returncode == 0, result.stderr
    names = {i["name"] for i in json.loads(result.stdout)}
    assert "arrears-emergency-plan" in names and "cn-credit-card" in names


def test_a_broken_emergency_plan_is_reported_at_its_line(arrears_cmd, tmp_path) -> None:
    shutil.copytree(ROOT / "playbooks", tmp_path / "pb")
    plan = tmp_path / "pb" / "emergency.yaml"
    text = plan.read_text("utf-8")
    plan.write_text(text.replace("roles:\n", "roles:\n  bogus key: x\n", 1), "utf-8")
    line = text.splitlines().index("roles:") + 2
    result = run(arrears_cmd, "validate", plan)
    assert result.returncode == 2
    assert f"{plan}:{line}:" in result.stderr, result.stderr


@pytest.mark.parametrize("style", [">-", "|", "plain-multiline"])
def test_a_fault_inside_a_multi_line_condition_points_at_its_own_line_and_column(arrears_cmd, tmp_path, style) -> None:
    body = "dpd >= 1 and\n      balance > 5 and dppd < 30"
    block = f"when: {style}\n      {body}" if style != "plain-multiline" else f"when: {body}"
    text = PLAYBOOK.replace("when: dpd >= 1", block, 1)
    assert text != PLAYBOOK, "the fixture playbook changed: adapt this test"
    path = write_playbook(tmp_path, text)
    result = run(arrears_cmd, "validate", path)
    (problem,) = assert_refused(result)
    assert (int(problem["line"]), int(problem["col"])) == position(text, "dppd"), result.stderr
    assert "unknown account field 'dppd'" in problem["message"]


def test_copied_playbook_without_its_templates_gets_one_error_at_templates_dir(
    arrears_cmd: list[str], tmp_path: Path
) -> None:
    """issue 9, defect 8: one error at `templates_dir:` saying where it looked, not one per template."""
    copy = tmp_path / "mine" / "cn-credit-card.yaml"
    copy.parent.mkdir()
    shutil.copy(ROOT / "playbooks" / "cn-credit-card.yaml", copy)
    result = run(arrears_cmd, "validate", copy)
    [problem] = assert_refused(result)
    text = copy.read_text("utf-8")
    assert problem["file"] == str(copy)
    assert (int(problem["line"]), int(problem["col"])) == position(text, "templates/cn")
    looked = (copy.parent / "templates" / "cn").resolve()
    assert f"no templates folder at {looked}" in problem["message"], problem["message"]


def test_default_templates_dir_missing_is_one_error(arrears_cmd: list[str], tmp_path: Path) -> None:
    playbook = tmp_path / "pb.yaml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")  # no templates_dir: the default `templates`
    [problem] = assert_refused(run(arrears_cmd, "validate", playbook))
    assert problem["file"] == str(playbook) and (problem["line"], problem["col"]) == ("1", "1")
    assert f"no templates folder at {(tmp_path / 'templates').resolve()}" in problem["message"]
