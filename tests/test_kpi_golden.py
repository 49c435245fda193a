"""Golden KPI rows and roll rates for the hand-computed portfolio in `tests/kpi_portfolio.py`,
on SQLite and (with ARREARS_TEST_POSTGRES_URL) PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import kpi_portfolio as P
import pytest
from record_fixtures import Cli, cli, db_url  # noqa: F401  (fixtures)
from sqlalchemy import Engine, select

KEYS = ["group", "currency", "accounts", "contacted", "right_party_contacts", "promises_made", "promises_kept",
        "promises_broken", "collected", "opening_balance", "recovery_rate", "paid"]


def row(group: object, *values: object) -> dict[str, object]:
    """A KPI row of the portfolio, whose accounts are all in CNY (one row per group)."""
    return dict(zip(KEYS, (group, "CNY", *values), strict=True))


# [D1, D3], grace 0. In scope: A1, A2, A3, A6 (first decision D1), A4 (first D2); A5 never.
# contacted: A1 (D1), A2 (D2) = 2 (A5 out of scope, A6's is on D4).
# right party: A1 (debtor), A3 (party absent = debtor) = 2; A2 third party, A6 no answer, A4 on D4.
# made in range: P1, P2 (D1), P4, P6 (D2) = 4 (P3 made 2025-12-30).
# kept in range: P1 (D2), P3 (D1), P6 (D2) = 3. broken: P2 (on D2), P4 (on D3) = 2.
# collected: 300 + 100 + 100 + 250 + 50.25 + 200 = 1000.25 (A4's D4 payment is outside).
# opening: A1 1000 + A2 500 + A3 250 + A4 2000 (its first decision, D2) + A6 300 = 4050.00.
# rate 1000.25 / 4050 = 0.246975… → 0.2470. paid: A3 (250 paid ≥ 250 opening) = 1.
ALL = [row("all", 5, 2, 2, 4, 3, 2, "1000.25", "4050.00", "0.2470", 1)]

# By queue of the first decision (A1 is "early" on D1 though "late" from D2):
# early = A1, A2, A6: contacted A1, A2; rpc A1; made P1, P2, P6; kept P1, P6; broken P2;
#   collected 300 + 200 + 200 = 700.00; opening 1000 + 500 + 300 = 1800.00; 0.3888… → 0.3889.
# late = A3, A4: rpc A3; made P4; kept P3; broken P4; collected 250 + 50.25 = 300.25;
#   opening 250 + 2000 = 2250.00; 0.13344… → 0.1334; paid A3.
BY_QUEUE = [
    row("early", 3, 2, 1, 3, 2, 1, "700.00", "1800.00", "0.3889", 0),
    row("late", 2, 0, 1, 1, 1, 1, "300.25", "2250.00", "0.1334", 1),
]

# By jurisdiction: UK = A3 alone; CN = the other four.
BY_JURISDICTION = [
    row("CN", 4, 2, 1, 4, 2, 2, "750.25", "3800.00", "0.1974", 0),
    row("UK", 1, 0, 1, 0, 1, 0, "250.00", "250.00", "1.0000", 1),
]

# Grace 2: P2's second payment (D3) is within due D1 + 2 → kept on D3; P4's D4 payment is
# within due D2 + 2 → kept on D4, outside the range, and no longer broken. Kept P1, P2, P3,
# P6 = 4; broken: due + 3 in [D1, D3] means due in [01-02, 01-04]: none.
ALL_GRACE_2 = [row("all", 5, 2, 2, 4, 4, 0, "1000.25", "4050.00", "0.2470", 1)]

# One day, D2, as the daily run stores it: in scope A1, A2, A4, A6 (A3 is paid, stage null).
# contacted A2; rpc none (A6 no answer); made P4, P6; kept on D2 P1, P6; broken on D2 P2;
# collected on D2 300 + 200 = 500.00; opening 1000 + 400 + 2000 + 300 = 3700.00; 0.1351.
DAILY_D2_ALL = row("all", 4, 1, 0, 2, 2, 1, "500.00", "3700.00", "0.1351", 0)

# Roll rates D1 → D3 (accounts decided on both days, A4 was not on D1):
# A1 10 → 12 and A5 5 → 7: 1-30 → 1-30; A2 29 → 31: 1-30 → 31-60;
# A6 40 → 0 with a balance: 31-60 → current; A3 95 → balance 0: 91-180 → paid.
ROLL = [
    {"from_bucket": "1-30", "to_bucket": "1-30", "accounts": 2},
    {"from_bucket": "1-30", "to_bucket": "31-60", "accounts": 1},
    {"from_bucket": "31-60", "to_bucket": "current", "accounts": 1},
    {"from_bucket": "91-180", "to_bucket": "paid", "accounts": 1},
]


@pytest.fixture
def portfolio(db_url: str) -> Iterator[Engine]:  # noqa: F811
    from engine.store.db import get_engine, upgrade

    upgrade(db_url)
    engine = get_engine(db_url)
    P.build(engine)
    yield engine


def test_kpi_rows_match_the_hand_computation(portfolio: Engine) -> None:
    from engine.kpi.queries import kpi_rows

    with portfolio.connect() as conn:
        assert kpi_rows(conn, P.D1, P.D3) == ALL
        assert kpi_rows(conn, P.D1, P.D3, "queue") == BY_QUEUE
        assert kpi_rows(conn, P.D1, P.D3, "jurisdiction") == BY_JURISDICTION
        assert kpi_rows(conn, P.D1, P.D3, grace_days=2) == ALL_GRACE_2
        assert kpi_rows(conn, P.D1, P.D3, "group") == [{**ALL[0], "group": None}]
        assert kpi_rows(conn, "2026-02-01", "2026-02-28") == []


def test_roll_rates_match_the_hand_computation(portfolio: Engine) -> None:
    from engine.kpi.rollrates import roll_rates

    with portfolio.connect() as conn:
        assert roll_rates(conn, P.D1, P.D3) == ROLL


def test_daily_step_stores_the_date_and_a_rerun_replaces_it(portfolio: Engine) -> None:
    from engine.kpi.daily import compute_and_store_kpis
    from engine.store.models import KpiAccountDay, KpiDaily

    def stored() -> list[tuple]:
        k = KpiDaily.__table__
        with portfolio.connect() as conn:
            columns = [c for c in k.c if c.name not in ("id", "computed_at")]
            query = select(*columns).order_by(k.c.business_date, k.c.dimension, k.c.grp)
            return [tuple(r) for r in conn.execute(query)]

    before = stored()
    day = [r for r in before if r[0] == P.D2 and r[1] == "all"]
    assert [dict(zip(KEYS, (r[2], *r[3:]), strict=True)) for r in day] == [DAILY_D2_ALL]
    assert {r[1] for r in before if r[0] == P.D2} == {"all", "stage", "queue", "collector", "playbook", "group",
                                                      "jurisdiction"}
    compute_and_store_kpis(portfolio, P.D2)
    assert stored() == before
    with portfolio.connect() as conn:
        assert len(conn.execute(select(KpiAccountDay.id)).all()) == 5 + 6 + 6


def test_cli_json_is_exactly_the_contract(portfolio: Engine, cli: Cli) -> None:  # noqa: F811
    done = cli("kpi", "--from", P.D1, "--to", P.D3, "--by", "queue", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == BY_QUEUE
    done = cli("kpi", "roll-rates", "--from", P.D1, "--to", P.D3, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ROLL
    human = cli("kpi", "--from", P.D1, "--to", P.D3)
    assert human.returncode == 0 and "1000.25" in human.stdout and "0.2470" in human.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kpi", "--from", "2026-13-01", "--to", "2026-01-07", "--json"], "--from: not a valid date"),
        (["kpi", "--from", "2026-01-07", "--to", "2026-01-05", "--json"], "--from 2026-01-07 is after --to"),
        (["kpi", "--from", "2026-01-05", "--to", "2026-01-07", "--by", "region"], "--by 'region'"),
        (["kpi", "--to", "2026-01-07"], "--from DATE is required"),
        (["kpi", "roll-rates", "--from", "2026-01-05", "--to", "yesterday"], "--to: not a valid date"),
    ],
)
def test_cli_bad_input_exits_2(portfolio: Engine, cli: Cli, args: list[str], message: str) -> None:  # noqa: F811
    done = cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_html_report_is_offline_and_shows_the_numbers(portfolio: Engine, cli: Cli, tmp_path) -> None:  # noqa: F811
    out = tmp_path / "kpi.html"
    done = cli("kpi", "report", "--from", P.D1, "--to", P.D3, "--out", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert not re.findall(r'<script[^>]*\ssrc="http', html)  # no CDN: plotly.js is inlined, once
    assert html.count("plotly.js v") == 1
    assert html.count("Plotly.newPlot") == 3 and "1000.25" in html and "0.3889" in html
    assert "700.00" not in html and "1800.00" not in html  # queue "early": 3 accounts, amounts left out
    assert not any(f'"{a}"' in html or f">{a}<" in html for a in P.JURISDICTION)  # no account ids
    bad = cli("kpi", "report", "--from", P.D3, "--to", P.D1, "--out", str(tmp_path / "bad.html"))
    assert bad.returncode == 2 and not (tmp_path / "bad.html").exists()


# Two currencies: A3 (UK) is in GBP, the others in CNY. Amounts of different currencies are
# never added: each group has one row per currency, counting that currency's accounts. The
# CNY and GBP rows of `all` are the CN and UK rows of BY_JURISDICTION above.
TWO_CURRENCIES_ALL = [
    {**BY_JURISDICTION[0], "group": "all"},
    {**BY_JURISDICTION[1], "group": "all", "currency": "GBP"},
]
# Queue "late" = A3 (GBP) and A4 (CNY). A4: made P4, broken P4 (grace 0), collected 50.25 of
# an opening 2000.00 → 0.025125 → 0.0251; A3 as in the UK row.
TWO_CURRENCIES_BY_QUEUE = [
    BY_QUEUE[0],
    row("late", 1, 0, 0, 1, 0, 1, "50.25", "2000.00", "0.0251", 0),
    {**BY_JURISDICTION[1], "group": "late", "currency": "GBP"},
]


@pytest.fixture
def two_currencies(db_url: str) -> Iterator[Engine]:  # noqa: F811
    from sqlalchemy import update

    from engine.store.db import get_engine, upgrade
    from engine.store.models import AccountRow, Payment

    upgrade(db_url)
    engine = get_engine(db_url)
    P.write_facts(engine)
    with engine.begin() as conn:
        conn.execute(update(AccountRow).where(AccountRow.account_id == "A3").values(facts='{"currency": "GBP"}'))
        conn.execute(update(Payment).where(Payment.account_id == "A3").values(currency="GBP"))
    for day in (P.D1, P.D2, P.D3):
        P.run_day(engine, day)
    yield engine


def test_amounts_of_two_currencies_are_never_added(two_currencies: Engine, cli: Cli) -> None:  # noqa: F811
    from engine.kpi.queries import kpi_rows

    with two_currencies.connect() as conn:
        assert kpi_rows(conn, P.D1, P.D3) == TWO_CURRENCIES_ALL
        assert kpi_rows(conn, P.D1, P.D3, "queue") == TWO_CURRENCIES_BY_QUEUE
    done = cli("kpi", "--from", P.D1, "--to", P.D3, "--by", "queue", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == TWO_CURRENCIES_BY_QUEUE
    from engine.kpi.daily import compute_and_store_kpis

    stored = [r for r in compute_and_store_kpis(two_currencies, P.D1) if r["dimension"] == "all"]
    assert [(r["currency"], r["accounts"], r["opening_balance"]) for r in stored] == [
        ("CNY", 3, "1800.00"),  # D1: A1 1000 + A2 500 + A6 300 (A5 out of scope, A4 not yet)
        ("GBP", 1, "250.00"),  # A3
    ]


# Grace days per playbook (`kpi_portfolio.GRACED`): CN accounts with the CN playbook's 1 day,
# US accounts with the US playbook's 2, as their decisions keep and break promises.
# [D1, D3] by jurisdiction: CN = G3, G4: kept G3 (D2, due + 1), broken G4 (on D3 = due + 2);
# US = G1, G2: kept G1 (D3, due + 2), broken G2 (on D3 = due + 3). Each: collected 200.00 of
# an opening 2000.00 → 0.1000; no contact, no promise made in range (made 2026-01-02).
def graced_row(group: str, currency: str, kept: int, broken: int) -> dict[str, object]:
    return dict(zip(KEYS, (group, currency, 2, 0, 0, 0, kept, broken, "200.00", "2000.00", "0.1000", 0), strict=True))


GRACED_BY_JURISDICTION = [graced_row("CN", "CNY", 1, 1), graced_row("US", "USD", 1, 1)]
# `--grace-days 0` (a what-if for every account): all four paid after due → broken (G2 on D1,
# the others on D2), none kept.
GRACED_BY_JURISDICTION_GRACE_0 = [graced_row("CN", "CNY", 0, 2), graced_row("US", "USD", 0, 2)]
# Stored per date (dimension all; kept, broken per currency): D1 nothing yet (G2 is still
# within its grace); D2 G3 kept; D3 G4 broken (CNY), G1 kept and G2 broken (USD).
GRACED_DAILY = {
    (P.D1, "CNY"): (0, 0), (P.D1, "USD"): (0, 0),
    (P.D2, "CNY"): (1, 0), (P.D2, "USD"): (0, 0),
    (P.D3, "CNY"): (0, 1), (P.D3, "USD"): (1, 1),
}  # fmt: skip


@pytest.fixture
def graced(db_url: str) -> Iterator[Engine]:  # noqa: F811
    from engine.store.db import get_engine, upgrade

    upgrade(db_url)
    engine = get_engine(db_url)
    P.build_graced(engine)
    yield engine


def test_promises_are_kept_and_broken_with_each_playbooks_grace(graced: Engine, cli: Cli) -> None:  # noqa: F811
    from engine.kpi.queries import kpi_rows
    from engine.store.models import KpiDaily

    with graced.connect() as conn:
        assert kpi_rows(conn, P.D1, P.D3, "jurisdiction") == GRACED_BY_JURISDICTION
        assert kpi_rows(conn, P.D1, P.D3, "jurisdiction", grace_days=0) == GRACED_BY_JURISDICTION_GRACE_0
        k = KpiDaily.__table__
        stored = conn.execute(
            select(k.c.business_date, k.c.currency, k.c.promises_kept, k.c.promises_broken).where(
                k.c.dimension == "all"
            )
        ).all()
    assert {(d, c): (kept, broken) for d, c, kept, broken in stored} == GRACED_DAILY
    done = cli("kpi", "--from", P.D1, "--to", P.D3, "--by", "jurisdiction", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == GRACED_BY_JURISDICTION
    done = cli("kpi", "--from", P.D1, "--to", P.D3, "--by", "jurisdiction", "--grace-days", "0", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == GRACED_BY_JURISDICTION_GRACE_0
