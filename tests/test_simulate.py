"""`arrears simulate` (Strategy workbench), through the real CLI: the same seed gives
byte-identical output, another seed other output, a challenger whose stage boundary moved
changes the challenger's rows only, bad input exits 2 naming the file or option; and no
contact a simulation dispatches breaks a compliance rule, over several seeds and every
shipped strategy playbook (each contact replayed through the audit with the playbook's limits).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from record_fixtures import ROOT, arrears_exe
from sqlalchemy import text

from flows.demo_loop import business_days
from flows.synthetic import write_portfolio

pytestmark = pytest.mark.slow
UK = ROOT / "playbooks" / "uk-consumer-credit.yaml"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_portfolio(tmp_path_factory.mktemp("portfolio"), 200, datetime(2026, 12, 7, tzinfo=UTC))


def _simulate(tmp: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {"ARREARS_HOME": str(tmp / "home"), "ARREARS_DATABASE_URL": f"sqlite:///{tmp / 'user.sqlite'}"}
    import os

    return subprocess.run([*arrears_exe(), "simulate", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=ROOT, timeout=600)  # fmt: skip


def _rows(result: subprocess.CompletedProcess[str]) -> list[dict]:
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


def _challenger(tmp: Path) -> Path:
    """The UK playbook whose first (reminder) stage ends at 120 days past due instead of 30: the
    accounts of the later stages get reminders instead (the first matching stage wins)."""
    text = UK.read_text(encoding="utf-8")
    first = 'when: "dpd >= 1 and dpd <= 30 and'
    assert first in text, "the UK reminder stage's condition changed: update this challenger"
    text = text.replace(first, 'when: "dpd >= 1 and dpd <= 120 and', 1)
    text = text.replace("templates_dir: templates/uk", f"templates_dir: {UK.parent / 'templates' / 'uk'}")
    path = tmp / "uk-challenger.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_same_seed_same_bytes_other_seed_other_rows(tmp_path: Path, portfolio: tuple[Path, Path]) -> None:
    args = ("--playbook", UK, "--accounts", portfolio[0], "--days", "3", "--json")
    first = _simulate(tmp_path, *args, "--seed", "5", "--html", tmp_path / "first.html")
    again = _simulate(tmp_path, *args, "--seed", "5", "--html", tmp_path / "again.html")
    other = _simulate(tmp_path, *args, "--seed", "6")
    rows = _rows(first)
    assert [r["date"] for r in rows] == ["2026-12-07", "2026-12-08", "2026-12-09"]
    assert {r["playbook"] for r in rows} == {"champion"} and rows[0]["accounts"] > 0
    assert first.stdout == again.stdout
    assert (tmp_path / "first.html").read_bytes() == (tmp_path / "again.html").read_bytes()
    assert _rows(other) != rows
    assert not (tmp_path / "user.sqlite").exists()  # the user's database is never opened


def test_challenger_with_moved_boundary_changes_only_its_rows(tmp_path: Path, portfolio: tuple[Path, Path]) -> None:
    args = ("--accounts", portfolio[0], "--days", "3", "--seed", "5", "--json")
    alone = _rows(_simulate(tmp_path, "--playbook", UK, *args))
    html = tmp_path / "curves.html"
    both = _rows(_simulate(tmp_path, "--playbook", UK, "--challenger", _challenger(tmp_path), *args, "--html", html))
    champion = [r for r in both if r["playbook"] == "champion"]
    challenger = [r for r in both if r["playbook"] == "challenger"]
    assert champion == alone
    strip = ("playbook", "sha256")
    assert [{k: v for k, v in r.items() if k not in strip} for r in challenger] != [
        {k: v for k, v in r.items() if k not in strip} for r in champion
    ]
    page = html.read_text(encoding="utf-8")
    assert "recovery-curves" in page and "challenger: uk-consumer-credit" in page and '<script src="http' not in page


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (("--playbook", "missing.yaml"), "missing.yaml:1:1: --playbook"),
        (("--playbook", UK, "--days", "0"), "--days"),
        (("--playbook", UK, "--broken"), "accounts.jsonl:2:"),
    ],
)
def test_bad_input_exits_2_naming_it(tmp_path: Path, portfolio: tuple[Path, Path], args: tuple, where: str) -> None:
    accounts = portfolio[0]
    if "--broken" in args:
        args = args[:2]
        accounts = tmp_path / "accounts.jsonl"
        accounts.write_text(portfolio[0].read_text().splitlines()[0] + "\n{not json\n", encoding="utf-8")
    days = () if "--days" in args else ("--days", "1")
    result = _simulate(tmp_path, *args, "--accounts", accounts, *days, "--seed", "1", "--json")
    assert result.returncode == 2, result.stderr
    assert where in result.stderr and "Traceback" not in result.stderr


SHIPPED = ["cn-credit-card", "us-consumer-loans", "uk-consumer-credit"]
SEEDS = [11, 12, 13]
CASES = [(name, seed) for name in SHIPPED for seed in SEEDS]


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_no_simulated_contact_breaks_a_rule_nor_is_written_twice(
    tmp_path: Path, portfolio: tuple[Path, Path], name: str, seed: int
) -> None:
    from flows.simulate_run import compliance_findings, simulate_playbook

    days = business_days(date(2026, 12, 7), 5)
    sim = simulate_playbook(ROOT / "playbooks" / f"{name}.yaml", *portfolio, days, seed, tmp_path / "sim")
    assert sum(r["contacted"] for r in sim.rows) > 0
    assert [(f.rule, f.account_id, f.at.isoformat()) for f in compliance_findings(sim)] == []
    # one outbox row per contact: a contact the gate moved ahead is not written again by later runs
    with sim.engine.connect() as conn:
        rows = conn.execute(text("select account_id, channel, template, at from outbox_contacts")).all()
    assert [row for row, n in Counter(map(tuple, rows)).items() if n > 1] == []
