"""`arrears targets status` through the real CLI, on SQLite and (when configured) PostgreSQL:
hand-computed golden rows, approval per month with maker-checker, and refusals.

The golden month is February 2027: Mon 1st to Sun 28th, 20 weekdays, less the holidays
Fri 12th and Mon 15th = 18 working days. On Wed 10th, 8 have elapsed (1–5, 8–10) and 11
remain counting the 10th (10, 11, 16–19, 22–26).
"""

from __future__ import annotations

import json
from pathlib import Path

import record_fixtures as rf
from record_fixtures import Cli
from sqlalchemy import func, insert, select

from engine.store.db import get_engine, upgrade
from engine.store.models import Assignment, AuditLog, Payment, PlaybookApproval, PlaybookVersion

db_url, cli = rf.db_url, rf.cli

TARGETS = """\
kind: targets
version: r1
name: feb-targets
month: 2027-02
currency: CNY
holidays: [2027-02-12, 2027-02-15]
targets:
  - {queue: alpha, collected: "18000.00"}
  - {queue: beta, collected: 9000}
  - {queue: gamma, collected: 1000.00}
  - {queue: delta, collected: "100.00", currency: USD}
"""

# account → [(business_date, queue)]: the queue on a date is that of the latest assignment
ASSIGNMENTS = {
    "A1": [("2027-01-31", "alpha")],
    "A2": [("2027-02-01", "alpha"), ("2027-02-10", "beta")],  # moved to beta on the 10th
    "A3": [("2027-02-01", "gamma")],
    "A4": [("2027-02-01", None)],  # no queue (kind none): its payments count nowhere
    "A5": [("2027-02-20", "alpha")],  # only assigned after the status date
    "A6": [("2027-02-01", "delta")],
}
PAYMENTS = [
    ("A1", "2027-01-31T23:00:00+00:00", "500.00", "CNY"),  # last month
    ("A1", "2027-02-01T08:00:00+00:00", "1000.10", "CNY"),
    ("A1", "2027-02-10T23:59:59+00:00", "999.90", "CNY"),  # on the status date: counted
    ("A1", "2027-02-11T00:00:00+00:00", "5000.00", "CNY"),  # after it
    ("A1", "2027-02-03T10:00:00+00:00", "50.00", "USD"),  # alpha's target is in CNY
    ("A2", "2027-02-03T10:00:00+00:00", "300.00", "CNY"),  # counted in beta, A2's queue on the 10th
    ("A3", "2027-02-02T10:00:00+00:00", "1199.70", "CNY"),  # 1199.70 + 0.10 + 0.20: exact, not float
    ("A3", "2027-02-04T10:00:00+00:00", "0.10", "CNY"),
    ("A3", "2027-02-05T10:00:00+00:00", "0.20", "CNY"),
    ("A4", "2027-02-05T10:00:00+00:00", "400.00", "CNY"),
    ("A5", "2027-02-05T10:00:00+00:00", "700.00", "CNY"),
    ("A6", "2027-02-05T10:00:00+00:00", "100.00", "USD"),
]

GOLDEN_FEB_10 = [
    # 2000.00 of 18000: to date 18000×8/18; daily (18000−2000)/11 = 1454.5454… rounded up
    {"queue": "alpha", "month_target": "18000.00", "collected_to_date": "2000.00", "target_to_date": "8000.00",
     "daily_target": "1454.55", "progress": "0.1111"},
    {"queue": "beta", "month_target": "9000.00", "collected_to_date": "300.00", "target_to_date": "4000.00",
     "daily_target": "790.91", "progress": "0.0333"},
    # over-achieved: nothing missing, progress above 1
    {"queue": "gamma", "month_target": "1000.00", "collected_to_date": "1200.00", "target_to_date": "444.44",
     "daily_target": "0.00", "progress": "1.2000"},
    # exactly met
    {"queue": "delta", "month_target": "100.00", "collected_to_date": "100.00", "target_to_date": "44.44",
     "daily_target": "0.00", "progress": "1.0000"},
]  # fmt: skip


def _seed(url: str) -> None:
    upgrade(url)
    rows = [
        {"account_id": a, "business_date": d, "kind": "collector" if q else "none", "queue": q, "flow_run_id": "r"}
        for a, dated in ASSIGNMENTS.items()
        for d, q in dated
    ]
    pays = [
        {"account_id": a, "paid_at": at, "amount": amt, "currency": cur, "reference": f"P{i}"}
        for i, (a, at, amt, cur) in enumerate(PAYMENTS)
    ]
    with get_engine(url).begin() as conn:
        conn.execute(insert(Assignment), rows)
        conn.execute(insert(Payment), pays)


def _approved(cli: Cli, path: Path) -> str:
    stored = cli("playbook", "activate", str(path), "--by", "planner", "--json")
    assert stored.returncode == 0, stored.stderr
    sha = json.loads(stored.stdout)["sha256"]
    approved = cli("playbook", "approve", sha[:12], "--by", "head-of-collections")
    assert approved.returncode == 0, approved.stderr
    return sha


def _status(cli: Cli, day: str) -> list[dict[str, str]]:
    result = cli("targets", "status", "--date", day, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_golden_status_with_holidays(cli: Cli, db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    path = tmp_path / "t.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    _approved(cli, path)
    assert _status(cli, "2027-02-10") == GOLDEN_FEB_10


def test_a_bad_week_raises_the_later_daily_targets(cli: Cli, db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    path = tmp_path / "t.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    _approved(cli, path)
    # Mon 1st: 1000.10 in, 18 days left: (18000 − 1000.10) / 18 = 944.438… → 944.44
    first = next(r for r in _status(cli, "2027-02-01") if r["queue"] == "alpha")
    assert first == {"queue": "alpha", "month_target": "18000.00", "collected_to_date": "1000.10",
                     "target_to_date": "1000.00", "daily_target": "944.44", "progress": "0.0556"}  # fmt: skip
    # nothing more until the 10th: the missing amount is spread over fewer days
    later = next(r for r in _status(cli, "2027-02-10") if r["queue"] == "alpha")
    assert later["daily_target"] == "1454.55"
    # Sat 13th: the 11th's 5000 in; 9 working days elapsed, 9 remain (16th–26th):
    # to date 18000×9/18 = 9000, daily (18000 − 7000) / 9 = 1222.22… → 1222.23, A5 not yet assigned
    weekend = next(r for r in _status(cli, "2027-02-13") if r["queue"] == "alpha")
    assert weekend == {"queue": "alpha", "month_target": "18000.00", "collected_to_date": "7000.00",
                       "target_to_date": "9000.00", "daily_target": "1222.23", "progress": "0.3889"}  # fmt: skip


def test_the_approved_version_for_the_month_is_used(cli: Cli, db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    first = tmp_path / "t1.yaml"
    first.write_text(TARGETS, encoding="utf-8")
    _approved(cli, first)
    second = tmp_path / "t2.yaml"
    second.write_text(TARGETS.replace("version: r1", "version: r2").replace('"18000.00"', '"36000.00"'))
    pending = cli("playbook", "activate", str(second), "--by", "planner", "--json")
    assert pending.returncode == 0, pending.stderr
    assert _status(cli, "2027-02-10")[0]["month_target"] == "18000.00"  # r2 not approved yet
    sha = json.loads(pending.stdout)["sha256"]
    refused = cli("playbook", "approve", sha, "--by", "planner")
    assert refused.returncode == 2 and "maker-checker" in refused.stderr
    assert cli("playbook", "approve", sha, "--by", "cfo").returncode == 0
    assert _status(cli, "2027-02-10")[0]["month_target"] == "36000.00"
    listed = {i["version"]: i["state"] for i in json.loads(cli("playbook", "list", "--json").stdout)}
    assert listed == {"r1": "superseded", "r2": "approved"}
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(select(AuditLog.event, AuditLog.actor).order_by(AuditLog.chain_seq)).all()
        names = conn.execute(select(PlaybookApproval.name)).scalars().all()
    events = [(event, actor) for event, actor in rows if not event.startswith("USER_")]  # the tests' users
    assert [e for e, _ in events] == ["TARGETS_ACTIVATED", "TARGETS_APPROVED", "TARGETS_ACTIVATED", "TARGETS_APPROVED"]
    assert events[2:] == [("TARGETS_ACTIVATED", "planner"), ("TARGETS_APPROVED", "cfo")]  # the keys' users
    assert names == ["targets:2027-02", "targets:2027-02"]
    assert cli("audit", "verify").returncode == 0


def test_targets_never_become_a_playbook_in_force(cli: Cli, db_url: str, tmp_path: Path) -> None:
    rf.seed(db_url, tmp_path / "pf", n=5)
    path = tmp_path / "t.yaml"
    path.write_text(TARGETS.replace("name: feb-targets", "name: cn-credit-card"), encoding="utf-8")
    _approved(cli, path)
    from engine.store.playbooks import loaded_in_force

    assert [p.playbook.name for p in loaded_in_force(get_engine(db_url))] == ["cn-credit-card"]


def test_status_refuses_bad_input(cli: Cli, db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    for day, message in [
        ("2027-02-30", "'2027-02-30' is not a date"),
        ("10/02/2027", "is not a date"),
        ("2027-03-01", "no approved targets for 2027-03"),
        ("2027-02-10", "no approved targets for 2027-02"),  # activated, never approved
    ]:
        if day == "2027-02-10":
            path = tmp_path / "t.yaml"
            path.write_text(TARGETS, encoding="utf-8")
            assert cli("playbook", "activate", str(path), "--by", "planner").returncode == 0
        result = cli("targets", "status", "--date", day, "--json")
        assert result.returncode == 2, (day, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("--date:1:1: ") and message in result.stderr, result.stderr
        assert result.stdout == ""


def test_a_refused_targets_file_stores_nothing(cli: Cli, db_url: str, tmp_path: Path) -> None:
    upgrade(db_url)
    path = tmp_path / "t.yaml"
    path.write_text(TARGETS.replace("collected: 9000", "collected: -9000"), encoding="utf-8")
    result = cli("playbook", "activate", str(path), "--by", "planner")
    assert result.returncode == 2 and f"{path}:9:" in result.stderr and "Traceback" not in result.stderr
    with get_engine(db_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(PlaybookVersion)).scalar_one() == 0
        changes = select(func.count()).select_from(AuditLog).where(AuditLog.event.not_like("USER_%"))
        assert conn.execute(changes).scalar_one() == 0  # the test users aside


def test_the_kpi_report_shows_the_target_burn_down(cli: Cli, db_url: str, tmp_path: Path) -> None:
    """Item 4: target progress in the HTML report — the status rows of the report's last date
    and a burn-down chart; without approved targets for that month, the section says so."""
    _seed(db_url)
    out = tmp_path / "kpi.html"
    done = cli("kpi", "report", "--from", "2027-02-01", "--to", "2027-02-10", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "No approved targets for this month" in out.read_text(encoding="utf-8")
    path = tmp_path / "t.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    _approved(cli, path)
    done = cli("kpi", "report", "--from", "2027-02-01", "--to", "2027-02-10", "--out", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.count("Plotly.newPlot") == 4 and "Target burn-down 2027-02" in html
    for row in GOLDEN_FEB_10:
        cells = [row[k] for k in ("month_target", "collected_to_date", "target_to_date", "daily_target", "progress")]
        assert f"<td>{row['queue']}</td>" in html and all(f"<td>{c}</td>" in html for c in cells)


JPY_TARGETS = """\
kind: targets
version: r1
name: feb-yen
month: 2027-02
currency: JPY
holidays: [2027-02-12, 2027-02-15]
targets:
  - {queue: alpha, collected: 100000}
"""


def test_amounts_have_the_currency_minor_units(tmp_path: Path) -> None:
    """JPY has no minor unit: no `.00`, the daily target rounded up to the yen, and a target
    with sen refused at its line."""
    from datetime import date
    from decimal import Decimal

    import pytest

    from engine.contracts.errors import InputError
    from engine.playbook.targets import load_targets, status

    path = tmp_path / "jpy.yaml"
    path.write_text(JPY_TARGETS, encoding="utf-8")
    rows = status(load_targets(path).targets, date(2027, 2, 10), {("alpha", "JPY"): Decimal(10000)})
    # to date 100000 × 8/18 = 44444.4… → 44444; daily (100000 − 10000)/11 = 8181.8… rounded up
    assert rows == [{"queue": "alpha", "month_target": "100000", "collected_to_date": "10000",
                     "target_to_date": "44444", "daily_target": "8182", "progress": "0.1000"}]
    path.write_text(JPY_TARGETS.replace("100000}", "100000.50}"), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_targets(path)
    assert "line 8" in str(refused.value) or ":8:" in str(refused.value)
    assert "JPY allows at most 0" in str(refused.value)
