"""`arrears playbook diff` through the real executable: exact transition counts on a portfolio
whose expected changes the test works out by its own arithmetic, `changed: 0` for identical
playbooks, masked examples in the table and the HTML page, and bad input refused with exit 2."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import record_fixtures as rf
from cli_helpers import PLAYBOOK, assert_refused, position, run, write_playbook
from record_fixtures import Cli

db_url, cli = rf.db_url, rf.cli
AT = "2026-03-10T10:00:00+08:00"  # 10:00 in Shanghai: inside every treatment's hours
NAME, PHONE = "欧阳娜娜", "+8613912345678"


def account(i: int, rng: random.Random) -> dict[str, Any]:
    jurisdiction = "CN" if i % 7 else "US"  # every 7th is out of the playbooks' scope
    return {
        "account_id": f"A-{i:04d}",
        "debtor_id": f"D-{i:04d}",
        "jurisdiction": jurisdiction,
        "product": "credit_card",
        "currency": "CNY",
        "balance": str(rng.choice([800, 12000, 64000])),
        "dpd": rng.randint(0, 70),
        "timezone": "Asia/Shanghai",
        "phones": [{"number": PHONE, "owner": "debtor"}],
        "attributes": {"name": NAME},
    }


@pytest.fixture
def portfolio(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    rng = random.Random(5)
    accounts = [account(i, rng) for i in range(300)]
    path = tmp_path / "accounts.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in accounts), encoding="utf-8")
    return path, accounts


def moved_boundary(text: str, last_remind_day: int) -> str:
    """The same playbook with the remind/negotiate boundary after `last_remind_day`."""
    return text.replace("dpd >= 1 and dpd <= 30", f"dpd >= 1 and dpd <= {last_remind_day}").replace(
        "when: dpd >= 31\n", f"when: dpd >= {last_remind_day + 1}\n"
    )


def diff_json(arrears_cmd: list[str], old: Path, new: Path, accounts: Path, *extra: str) -> dict[str, Any]:
    result = run(arrears_cmd, "playbook", "diff", old, new, "--accounts", accounts, "--at", AT, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_moved_stage_boundary_counts_exactly_the_accounts_in_the_band(
    arrears_cmd: list[str], tmp_path: Path, portfolio: tuple[Path, list[dict[str, Any]]]
) -> None:
    path, accounts = portfolio
    old = write_playbook(tmp_path / "old")
    new = write_playbook(tmp_path / "new", moved_boundary(PLAYBOOK, 35))
    band = [a["account_id"] for a in accounts if a["jurisdiction"] == "CN" and 31 <= a["dpd"] <= 35]
    assert band, "the seed must put accounts in the band"

    out = diff_json(arrears_cmd, old, new, path)

    assert out["accounts"] == len(accounts)
    assert out["changed"] == len(band)
    by_field = {(t["field"], json.dumps(t["from"]), json.dumps(t["to"])): t["accounts"] for t in out["transitions"]}
    assert by_field == {
        ("stage", '"negotiate"', '"remind"'): len(band),
        ("assignment.queue", '"negotiation"', '"robot-remind"'): len(band),
        ("treatments", '["negotiate_call"]', '["nudge"]'): len(band),
        ("channels", '["call"]', '["sms"]'): len(band),
    }
    stage_examples = [e for e in out["examples"] if e["field"] == "stage"]
    assert [e["account_id"] for e in stage_examples] == band[:3]  # the first in input order
    assert any("negotiate" in line for line in stage_examples[0]["explanation"]["old"])
    assert any("remind" in line for line in stage_examples[0]["explanation"]["new"])


def test_identical_playbooks_change_nothing(
    arrears_cmd: list[str], tmp_path: Path, portfolio: tuple[Path, list[dict[str, Any]]]
) -> None:
    path, accounts = portfolio
    old = write_playbook(tmp_path / "old")
    same = write_playbook(tmp_path / "same", PLAYBOOK.replace('revision: "r1"', 'revision: "r2"'))
    out = diff_json(arrears_cmd, old, same, path)
    assert out == {"accounts": len(accounts), "changed": 0, "transitions": [], "examples": []}


def test_table_and_html_show_the_same_masked_examples(
    arrears_cmd: list[str], tmp_path: Path, portfolio: tuple[Path, list[dict[str, Any]]]
) -> None:
    path, _ = portfolio
    named = PLAYBOOK.replace("  - id: all\n", "  - id: named\n    when: attributes.name != null\n  - id: all\n")
    old = write_playbook(tmp_path / "old")
    new = write_playbook(tmp_path / "new", named)
    decided = run(arrears_cmd, "decide", "--playbook", new, "--accounts", path, "--at", AT)
    explained = [line for d in decided.stdout.splitlines() for line in json.loads(d)["explanation"]]
    assert any(NAME in line for line in explained), "the explanation names the debtor (else this proves nothing)"
    page = tmp_path / "diff.html"

    table = run(arrears_cmd, "playbook", "diff", old, new, "--accounts", path, "--at", AT, "--html", page)
    as_json = diff_json(arrears_cmd, old, new, path)

    assert table.returncode == 0, table.stderr
    html = page.read_text(encoding="utf-8")
    for text in (table.stdout, html, json.dumps(as_json, ensure_ascii=False)):
        assert NAME not in text and PHONE not in text and PHONE[3:] not in text
        assert "segment" in text and "named" in text
    assert "欧*" in table.stdout and "欧*" in html
    assert "http://" not in html and "https://" not in html  # offline: nothing to fetch
    for example in as_json["examples"]:
        assert example["account_id"] in table.stdout and example["account_id"] in html


def test_bad_input_names_file_line_and_field(
    arrears_cmd: list[str], tmp_path: Path, portfolio: tuple[Path, list[dict[str, Any]]]
) -> None:
    path, _ = portfolio
    old = write_playbook(tmp_path / "old")
    broken_text = PLAYBOOK.replace("kind: reminder", "kind: reminderr")
    broken = write_playbook(tmp_path / "broken", broken_text)
    [p] = assert_refused(run(arrears_cmd, "playbook", "diff", old, broken, "--accounts", path, "--at", AT))
    assert p["file"].endswith("pb.yaml") and (int(p["line"]), int(p["col"]))[0] == position(broken_text, "reminderr")[0]

    lines = path.read_text(encoding="utf-8").splitlines()
    lines[41] = lines[41].replace('"dpd": ', '"dpd": "soon", "x": ')
    bad_accounts = tmp_path / "bad.jsonl"
    bad_accounts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(arrears_cmd, "playbook", "diff", old, old, "--accounts", bad_accounts, "--at", AT, "--json")
    found = assert_refused(result)
    assert result.stdout == ""
    assert any(f["file"].endswith("bad.jsonl") and f["line"] == "42" and "dpd" in f["message"] for f in found)

    missing = run(arrears_cmd, "playbook", "diff", old, old, "--accounts", tmp_path / "nope.jsonl", "--at", AT)
    assert any(f["file"].endswith("nope.jsonl") for f in assert_refused(missing))
    no_such_playbook = run(arrears_cmd, "playbook", "diff", old, tmp_path / "nope.yaml", "--accounts", path)
    assert any(f["file"].endswith("nope.yaml") for f in assert_refused(no_such_playbook))
    no_folder = run(arrears_cmd, "playbook", "diff", old, old, "--accounts", path, "--html", tmp_path / "no" / "d.html")
    assert "--html" in assert_refused(no_folder)[0]["message"]


def test_against_active_compares_a_draft_with_the_approved_version_over_the_record(
    db_url: str, cli: Cli, tmp_path: Path
) -> None:
    accounts, history = rf.seed(db_url, tmp_path / "portfolio", n=200)
    drafts = tmp_path / "drafts"
    shutil.copytree(rf.ROOT / "playbooks" / "templates", drafts / "templates")
    draft = drafts / "cn-draft.yaml"
    shipped = rf.CN_PLAYBOOK.read_text(encoding="utf-8")
    moved = shipped.replace("dpd >= 1 and dpd <= 30", "dpd >= 1 and dpd <= 35")
    draft.write_text(moved.replace("dpd >= 31 and dpd <= 60", "dpd >= 36 and dpd <= 60"), encoding="utf-8")
    cn_only = tmp_path / "cn.jsonl"
    cn_only.write_text(
        "".join(line + "\n" for line in accounts.read_text(encoding="utf-8").splitlines() if '"CN"' in line),
        encoding="utf-8",
    )
    at = rf.AT.isoformat()

    live = cli("playbook", "diff", "--against-active", draft, "--at", at, "--json")
    files = cli(
        "playbook", "diff", rf.CN_PLAYBOOK, draft, "--accounts", cn_only, "--history", history, "--at", at, "--json"
    )

    assert live.returncode == 0 and files.returncode == 0, live.stderr + files.stderr
    on_record, on_files = json.loads(live.stdout), json.loads(files.stdout)
    assert on_record["changed"] > 0
    assert {k: on_record[k] for k in ("accounts", "changed", "transitions")} == {
        k: on_files[k] for k in ("accounts", "changed", "transitions")
    }
    other = drafts / "other.yaml"
    other.write_text(shipped.replace("name: cn-credit-card", "name: cn-other"), encoding="utf-8")
    [p] = assert_refused(cli("playbook", "diff", "--against-active", other, "--at", at))
    assert "no approved version" in p["message"] and "cn-other" in p["message"]


def test_worker_processes_give_the_same_diff_as_one_process(
    arrears_cmd: list[str], tmp_path: Path, portfolio: tuple[Path, list[dict[str, Any]]], monkeypatch: Any
) -> None:
    path, accounts = portfolio
    many = tmp_path / "many.jsonl"  # several batches of 1,000, so the order of merging matters
    many.write_text(path.read_text(encoding="utf-8") * 8, encoding="utf-8")
    old = write_playbook(tmp_path / "old")
    new = write_playbook(tmp_path / "new", moved_boundary(PLAYBOOK, 35))
    outputs = []
    for workers in ("1", "2"):
        monkeypatch.setenv("ARREARS_DAILY_WORKERS", workers)
        outputs.append(diff_json(arrears_cmd, old, new, many))
    assert outputs[0]["accounts"] == 8 * len(accounts) and outputs[0]["changed"] > 0
    assert outputs[0] == outputs[1]
