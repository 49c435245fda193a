"""`arrears decide` through the real executable: the contract's output, order, determinism,
and bad input of every kind refused with exit 2 — without creating or touching `--out`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, run, write_playbook

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-03-10T10:00:00+08:00"  # 10:00 in Shanghai: inside every quiet-hours window
CONTRACT = {"account_id", "at", "playbook", "segment", "stage", "priority", "assignment", "actions", "blocked",
            "fired_rules", "explanation"}


def account(account_id: str, **facts: Any) -> dict[str, Any]:
    base = {
        "account_id": account_id,
        "debtor_id": "D-" + account_id,
        "jurisdiction": "CN",
        "product": "credit_card",
        "currency": "CNY",
        "balance": "1200.50",
        "dpd": 5,
        "timezone": "Asia/Shanghai",
        "phones": [{"number": "+8613800000001"}],
    }
    return base | facts


def write_jsonl(path: Path, records: list[dict[str, Any] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def decisions(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


PORTFOLIO = [
    account("A-remind", dpd=5),
    account("A-us", jurisdiction="US", currency="USD", timezone="America/New_York"),
    account("A-negotiate", dpd=31, balance="60000"),
    account("A-loan", product="personal_loan"),
    account("A-zero", dpd=0),
    account("A-remind", dpd=30),  # the same id twice: two lines, two decisions
]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    return write_playbook(tmp_path / "pb"), write_jsonl(tmp_path / "accounts.jsonl", PORTFOLIO)


def test_one_decision_per_account_in_input_order(arrears_cmd: list[str], setup: tuple[Path, Path]) -> None:
    playbook, accounts = setup
    result = run(arrears_cmd, "decide", "--playbook", playbook, "--accounts", accounts, "--at", AT)
    assert result.returncode == 0, result.stderr
    out = decisions(result.stdout)
    assert [d["account_id"] for d in out] == [a["account_id"] for a in PORTFOLIO]
    for d in out:
        assert set(d) >= CONTRACT, CONTRACT - set(d)
        assert set(d["playbook"]) >= {"name", "version", "sha256"}
        assert set(d["assignment"]) >= {"kind", "queue"}
        assert d["at"] == AT
        assert d["playbook"]["name"] == "cli-test" and d["playbook"]["version"] == "r1"
        assert len(d["playbook"]["sha256"]) == 64
    by_line = dict(enumerate(out))
    # worked out from tests/cli_helpers.PLAYBOOK
    assert (by_line[0]["stage"], by_line[0]["segment"], by_line[0]["priority"]) == ("remind", "all", 10)
    assert by_line[0]["assignment"] == {"kind": "robot", "queue": "robot-remind"}
    assert [(a["channel"], a["template"], a["at"]) for a in by_line[0]["actions"]] == [("sms", "sms.j2", AT)]
    assert "fired_rules" in by_line[0] and "stage.remind" in by_line[0]["fired_rules"]
    assert (by_line[2]["stage"], by_line[2]["segment"], by_line[2]["priority"]) == ("negotiate", "big", 30)
    assert by_line[2]["assignment"] == {"kind": "collector", "queue": "negotiation"}
    assert [a["channel"] for a in by_line[2]["actions"]] == ["call"]
    assert by_line[5]["stage"] == "remind" and "[dpd=30]" in " ".join(by_line[5]["explanation"])
    assert "[dpd=5]" in " ".join(by_line[0]["explanation"])
    # in scope but before the first stage
    assert by_line[4]["stage"] is None and by_line[4]["actions"] == []


def test_a_paid_account_leaves_collection_and_others_only_gain_the_outcome_keys(
    arrears_cmd: list[str], setup: tuple[Path, Path], tmp_path: Path
) -> None:
    """Balance 0 is paid (outcomes contract): no stage, no action, `resolution: "paid"`; every
    other decision is what it was plus `"resolution": null, "promise": null` at the end."""
    playbook, _ = setup
    paid_and_due = [account("A-paid", dpd=45, balance="0.00"), account("A-due", dpd=45)]
    accounts = write_jsonl(tmp_path / "paid.jsonl", paid_and_due)
    result = run(arrears_cmd, "decide", "--playbook", playbook, "--accounts", accounts, "--at", AT)
    assert result.returncode == 0, result.stderr
    paid, due = decisions(result.stdout)
    assert (paid["stage"], paid["resolution"], paid["promise"]) == (None, "paid", None)
    assert paid["actions"] == [] and paid["fired_rules"] == [] and paid["segment"] is None
    assert paid["assignment"] == {"kind": "none", "queue": None}
    assert any("paid" in e for e in paid["explanation"])
    assert (due["stage"], due["resolution"], due["promise"]) == ("negotiate", None, None)
    assert list(due)[-2:] == ["resolution", "promise"] and due["actions"]


@pytest.mark.parametrize(("line", "says"), [(1, "account is US / credit_card"), (3, "account is CN / personal_loan")])
def test_out_of_scope_accounts_get_stage_null_and_an_explanation(
    arrears_cmd: list[str], setup: tuple[Path, Path], line: int, says: str
) -> None:
    playbook, accounts = setup
    result = run(arrears_cmd, "decide", "--playbook", playbook, "--accounts", accounts, "--at", AT)
    d = decisions(result.stdout)[line]
    assert d["stage"] is None and d["segment"] is None
    assert d["actions"] == [] and d["fired_rules"] == []
    assert d["assignment"] == {"kind": "none", "queue": None}
    assert any("out of scope" in e and says in e for e in d["explanation"]), d["explanation"]


def test_deterministic_and_out_equals_stdout(arrears_cmd: list[str], setup: tuple[Path, Path], tmp_path: Path) -> None:
    playbook, accounts = setup
    args = ("decide", "--playbook", playbook, "--accounts", accounts, "--at", AT)
    first, second = run(arrears_cmd, *args), run(arrears_cmd, *args)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    out = tmp_path / "decisions.jsonl"
    assert run(arrears_cmd, *args, "--out", out).returncode == 0
    assert out.read_text(encoding="utf-8") == first.stdout
    assert not list(tmp_path.glob(".decisions-*")), "temporary file left behind"


@pytest.mark.parametrize("name", ["cn-credit-card.yaml", "us-consumer-loans.yaml", "uk-consumer-credit.yaml"])
def test_shipped_playbooks_decide_the_same_with_both_engines(arrears_cmd: list[str], tmp_path: Path, name: str) -> None:
    """Every shipped playbook over a mixed portfolio: durable_rules and the Python reference
    write byte-identical decisions, one per account, in order, twice the same."""
    mixed = []
    for i, (jur, cur, zone, product) in enumerate(
        [("CN", "CNY", "Asia/Shanghai", "credit_card"), ("US", "USD", "America/New_York", "personal_loan"),
         ("UK", "GBP", "Europe/London", "personal_loan")]
    ):
        for j, dpd in enumerate((0, 1, 30, 31, 61, 91, 181, 400)):
            mixed.append(
                account(
                    f"{jur}-{dpd}", jurisdiction=jur, currency=cur, timezone=zone, dpd=dpd, product=product,
                    balance=str(500 + 9000 * j), risk_score=None if j % 2 else 650 + j * 20,
                    birth_year=1960 + 7 * j, flags=[["vulnerable"], [], ["complaint_open"], []][(i + j) % 4],
                    attributes={"name": "Li"},
                )
            )
    accounts = write_jsonl(tmp_path / "mixed.jsonl", mixed)
    args = ("decide", "--playbook", ROOT / "playbooks" / name, "--accounts", accounts, "--at", AT)
    durable = run(arrears_cmd, *args)
    assert durable.returncode == 0, durable.stderr
    python = run(arrears_cmd, *args, "--engine", "python")
    assert python.returncode == 0, python.stderr
    assert durable.stdout == python.stdout
    assert run(arrears_cmd, *args).stdout == durable.stdout
    out = decisions(durable.stdout)
    assert [d["account_id"] for d in out] == [a["account_id"] for a in mixed]
    jurisdiction = {"cn": "CN", "us": "US", "uk": "UK"}[name[:2]]
    for d, a in zip(out, mixed, strict=True):
        in_scope = a["jurisdiction"] == jurisdiction
        assert (d["stage"] is None) == (not in_scope or a["dpd"] == 0), (d["account_id"], d["stage"])
    for d in out:
        assert set(d) >= CONTRACT


def test_history_changes_the_decision(arrears_cmd: list[str], tmp_path: Path) -> None:
    playbook = write_playbook(tmp_path / "pb")
    accounts = write_jsonl(tmp_path / "a.jsonl", [account("A1", dpd=5)])
    history = write_jsonl(
        tmp_path / "h.jsonl",
        [{"account_id": "A1", "at": "2026-03-09T18:00:00+08:00", "channel": "sms", "template": "sms.j2"},
         {"account_id": "OTHER", "at": "2026-03-09T18:00:00+08:00", "channel": "sms", "template": "sms.j2"}],
    )
    result = run(arrears_cmd, "decide", "--playbook", playbook, "--accounts", accounts, "--history", history,
                 "--at", AT)
    assert result.returncode == 0, result.stderr
    (d,) = decisions(result.stdout)
    assert d["actions"] == []  # sent yesterday, repeats after 1 day (the default)
    assert any("sms.j2 sent 0 day(s) ago" in e for e in d["explanation"]), d["explanation"]


GOOD = account("A1")


def bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str, int | None, str]]:
    """name → (extra args, file the error names, its line or None, text in the message)."""
    def accounts(name: str, lines: list[Any]) -> str:
        return str(write_jsonl(tmp / name, lines))

    naive_history = write_jsonl(tmp / "naive-h.jsonl", [{"account_id": "A1", "at": "2026-03-09T10:00:00",
                                                         "channel": "sms"}])
    impossible_history = write_jsonl(tmp / "bad-h.jsonl", [{"account_id": "A1", "at": "2026-02-30T10:00:00+08:00",
                                                            "channel": "sms"}])
    return {
        "malformed JSON line": (
            ["--accounts", accounts("a1.jsonl", [GOOD, '{"account_id": "A2",'])], "a1.jsonl", 2, "malformed JSON"),
        "NaN is not JSON": (
            ["--accounts", accounts("a2.jsonl", [GOOD, GOOD, '{"account_id": "A3", "balance": NaN}'])],
            "a2.jsonl", 3, "NaN"),
        "unknown account field": (
            ["--accounts", accounts("a3.jsonl", [GOOD, account("A2", dppd=4)])], "a3.jsonl", 2, "dppd: unknown field"),
        "wrong type": (
            ["--accounts", accounts("a4.jsonl", [account("A2", dpd="late")])], "a4.jsonl", 1, "dpd"),
        "impossible date in the file": (
            ["--accounts", accounts("a5.jsonl", [GOOD, account(
                "A2", jurisdiction="UK", breathing_space={"kind": "standard", "start": "2026-13-01"})])],
            "a5.jsonl", 2, "breathing_space.start"),
        "impossible --at": (
            ["--accounts", accounts("a6.jsonl", [GOOD]), "--at", "2026-02-30T10:00:00+08:00"], "--at", None,
            "2026-02-30"),
        "naive --at": (["--accounts", accounts("a7.jsonl", [GOOD]), "--at", "2026-03-10T10:00:00"], "--at", None,
                       "offset"),
        "naive history timestamp": (
            ["--accounts", accounts("a8.jsonl", [GOOD]), "--history", str(naive_history)], "naive-h.jsonl", 1,
            "offset"),
        "impossible history date": (
            ["--accounts", accounts("a9.jsonl", [GOOD]), "--history", str(impossible_history)], "bad-h.jsonl", 1,
            "at"),
        "bad playbook": (
            ["--accounts", accounts("a10.jsonl", [GOOD]), "--playbook", str(tmp / "missing.yaml")], "missing.yaml",
            None, "cannot read"),
    }


CASES = [
    "malformed JSON line", "NaN is not JSON", "unknown account field", "wrong type", "impossible date in the file",
    "impossible --at", "naive --at", "naive history timestamp", "impossible history date", "bad playbook",
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("out_exists", [True, False], ids=["out-exists", "no-out"])
def test_bad_input_exits_2_and_writes_nothing(
    arrears_cmd: list[str], tmp_path: Path, case: str, out_exists: bool
) -> None:
    playbook = write_playbook(tmp_path / "pb")
    extra, file, line, says = bad_inputs(tmp_path)[case]
    out = tmp_path / "out" / "decisions.jsonl"
    out.parent.mkdir()
    if out_exists:
        out.write_text("previous decisions\n", encoding="utf-8")
    args = ["decide", "--playbook", str(playbook), "--at", AT, *extra, "--out", str(out)]
    found = assert_refused(run(arrears_cmd, *args))
    assert any(p["file"].endswith(file) and (line is None or p["line"] == str(line)) and says in p["message"]
               for p in found), found
    if out_exists:
        assert out.read_text(encoding="utf-8") == "previous decisions\n"
    else:
        assert not out.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == (["decisions.jsonl"] if out_exists else [])


@pytest.mark.parametrize("balance", ["1e400", '"9999999999999999.00"', "1e308", '"0.000000001"'])
def test_a_balance_the_engine_cannot_hold_is_refused_not_crashed(arrears_cmd: list[str], tmp_path: Path,
                                                                  balance: str) -> None:
    """Issue #9: these balances killed `decide` with a segfault (exit 139) in durable_rules'
    C core, or (1e400) were clamped; they are outside the contract: exit 2, field named."""
    playbook = write_playbook(tmp_path / "pb")
    accounts = write_jsonl(tmp_path / "a.jsonl", ['{"account_id": "B", "debtor_id": "D", "jurisdiction": "CN", '
                                                  f'"product": "credit_card", "balance": {balance}, "dpd": 5}}'])
    out = tmp_path / "d.jsonl"
    result = run(arrears_cmd, "decide", "--playbook", playbook, "--accounts", accounts, "--at", AT, "--out", out)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert f"{accounts}:1:1: balance: " in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_the_largest_balance_with_cents_is_decided(arrears_cmd: list[str], tmp_path: Path) -> None:
    playbook = write_playbook(tmp_path / "pb")
    accounts = write_jsonl(tmp_path / "a.jsonl", ['{"account_id": "B", "debtor_id": "D", "jurisdiction": "CN", '
                                                  '"product": "credit_card", "balance": "9999999999999.99", "dpd": 5}'])
    result = run(arrears_cmd, "decide", "--playbook", playbook, "--accounts", accounts, "--at", AT)
    assert result.returncode == 0, (result.returncode, result.stderr)
    (d,) = decisions(result.stdout)
    assert d["segment"] == "big" and d["stage"] == "remind"


def test_a_json_fault_at_the_end_of_a_line_keeps_its_column(arrears_cmd, tmp_path) -> None:
    line = '{"account_id": "A2",'
    path = tmp_path / "cut.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    result = run(
        arrears_cmd, "decide", "--playbook", ROOT / "playbooks" / "cn-credit-card.yaml", "--accounts", path,
        "--at", "2026-11-28T10:00:00+08:00",
    )
    assert result.returncode == 2
    assert f"{path}:1:{len(line) + 1}: malformed JSON" in result.stderr, result.stderr


def test_out_file_success_prints_one_summary_line_on_stderr(
    arrears_cmd: list[str], setup: tuple[Path, Path], tmp_path: Path
) -> None:
    """issue 9, defect 10: `--out` used to print nothing at all on success."""
    playbook, accounts = setup
    out = tmp_path / "decisions.jsonl"
    result = run(arrears_cmd, "decide", "--playbook", playbook, "--accounts", accounts, "--at", AT, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    written = decisions(out.read_text("utf-8"))
    actions = sum(len(d["actions"]) for d in written)
    blocked = sum(len(d["blocked"]) for d in written)
    assert result.stderr.splitlines() == [
        f"decided {len(PORTFOLIO)} accounts: {actions} actions, {blocked} blocked by compliance -> {out}"
    ]
