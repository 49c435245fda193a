"""`arrears playbook test` through the real executable: the shipped journeys pass on the
shipped playbook, a deliberately broken playbook fails at the step that shows it (expected vs
got), unknown steps and broken Gherkin are bad input (exit 2, file and line, closest steps),
and the worked example of docs/workbench.md really passes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from cli_helpers import assert_refused, position, run

ROOT = Path(__file__).resolve().parent.parent
CN = ROOT / "playbooks" / "cn-credit-card.yaml"
PROCRASTINATOR = ROOT / "features" / "procrastinator.feature"


def broken_cn(tmp_path: Path) -> Path:
    """The CN playbook with the remind stage ending at 3 DPD instead of 30."""
    shutil.copytree(ROOT / "playbooks" / "templates", tmp_path / "templates")
    path = tmp_path / "cn-broken.yaml"
    text = CN.read_text(encoding="utf-8")
    path.write_text(text.replace("dpd >= 1 and dpd <= 30 and", "dpd >= 1 and dpd <= 3 and"), encoding="utf-8")
    return path


def test_shipped_journeys_pass_on_the_shipped_playbook(arrears_cmd: list[str]) -> None:
    files = [PROCRASTINATOR, ROOT / "features" / "lost_contact.feature"]
    blocks = [b for f in files for b in f.read_text(encoding="utf-8").split("Scenario:")[1:]]
    cn = sum('the playbook "cn-credit-card"' in b for b in blocks)
    result = run(arrears_cmd, "playbook", "test", CN, *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS  CN card holder drifts from remind to negotiate to pressure" in result.stdout
    assert "SKIP  US borrower promises on the phone" in result.stdout  # about another playbook
    assert "FAIL" not in result.stdout
    others = len(blocks) - cn
    summary = rf"{len(blocks)} scenarios on playbook cn-credit-card \S+: {cn} passed, 0 failed, {others} skipped"
    assert cn and re.search(summary, result.stdout), result.stdout


def test_a_broken_playbook_fails_at_the_step_that_shows_it(arrears_cmd: list[str], tmp_path: Path) -> None:
    feature_text = PROCRASTINATOR.read_text(encoding="utf-8")
    line, _ = position(feature_text, 'Then the stage is "remind"')

    result = run(arrears_cmd, "playbook", "test", broken_cn(tmp_path), PROCRASTINATOR)
    as_json = run(arrears_cmd, "playbook", "test", broken_cn(tmp_path / "again"), PROCRASTINATOR, "--json")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL  CN card holder drifts from remind to negotiate to pressure" in result.stdout
    assert f'failed at line {line}: Then the stage is "remind"' in result.stdout
    assert 'expected: the stage is "remind"' in result.stdout
    assert "got: stage=None" in result.stdout and "remind needs dpd >= 1 and dpd <= 3 and" in result.stdout
    assert as_json.returncode == 1
    [cn] = [s for s in json.loads(as_json.stdout) if s["status"] != "skipped"]
    assert cn["status"] == "failed" and cn["step"]["line"] == line


def test_unknown_step_is_bad_input_with_file_line_and_closest_steps(arrears_cmd: list[str], tmp_path: Path) -> None:
    shipped = PROCRASTINATOR.read_text(encoding="utf-8")
    text = shipped.replace('Then the stage is "remind"', 'Then the stage be "remind"', 1)
    feature = tmp_path / "typo.feature"
    feature.write_text(text, encoding="utf-8")
    line, col = position(text, 'Then the stage be "remind"')

    [problem] = assert_refused(run(arrears_cmd, "playbook", "test", CN, feature))

    assert problem["file"].endswith("typo.feature") and (int(problem["line"]), int(problem["col"])) == (line, col)
    assert "unknown then step" in problem["message"]
    assert 'Then the stage is "{stage}"' in problem["message"]  # the closest known step


def test_broken_gherkin_and_missing_files_are_bad_input(arrears_cmd: list[str], tmp_path: Path) -> None:
    feature = tmp_path / "broken.feature"
    feature.write_text("Feature: x\n  Scenario: y\n    Given the debtor ignores every contact\n  oops\n")
    [problem] = assert_refused(run(arrears_cmd, "playbook", "test", CN, feature))
    assert problem["file"].endswith("broken.feature") and problem["line"] == "4"
    missing = assert_refused(run(arrears_cmd, "playbook", "test", CN, tmp_path / "nope.feature"))
    assert missing[0]["file"].endswith("nope.feature")
    no_playbook = assert_refused(run(arrears_cmd, "playbook", "test", tmp_path / "nope.yaml", PROCRASTINATOR))
    assert no_playbook[0]["file"].endswith("nope.yaml")
    us_only = tmp_path / "us.feature"
    us_only.write_text(
        "Feature: US\n  Scenario: US remind\n    Given an account in US with dpd 3 and balance 4200\n"
        '    When the playbook "us-consumer-loans" decides at "2026-10-05T10:00:00-05:00"\n'
        '    Then the stage is "remind"\n',
        encoding="utf-8",
    )
    [nothing] = assert_refused(run(arrears_cmd, "playbook", "test", CN, us_only))
    assert "no scenario in these features is about playbook 'cn-credit-card'" in nothing["message"]


def worked_example() -> str:
    """The feature file of the worked example in docs/workbench.md (its one `gherkin` block)."""
    doc = (ROOT / "docs" / "workbench.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```gherkin\n(.*?)```", doc, flags=re.S)
    return block


def test_the_worked_example_of_the_docs_passes_and_can_fail(arrears_cmd: list[str], tmp_path: Path) -> None:
    feature = tmp_path / "vip_desk.feature"
    feature.write_text(worked_example(), encoding="utf-8")
    passed = run(arrears_cmd, "playbook", "test", CN, feature)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "1 passed, 0 failed" in passed.stdout
    no_vip_desk = tmp_path / "pb" / "cn.yaml"
    broken_cn(tmp_path / "pb").rename(no_vip_desk)
    no_vip_desk.write_text(
        CN.read_text(encoding="utf-8").replace("queue: vip-desk", "queue: negotiation-team"), encoding="utf-8"
    )
    failed = run(arrears_cmd, "playbook", "test", no_vip_desk, feature)
    assert failed.returncode == 1 and 'the assignment is "collector" to queue "vip-desk"' in failed.stdout
