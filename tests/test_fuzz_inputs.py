"""Fuzzing the input contracts: `decide`, `check` and `import` never crash on data.

Accounts, history lines and actions are built from the contract's field types, then some
fields are replaced by hostile values (huge and tiny numbers, NaN, Infinity, 400-digit
strings, long strings, control characters, wrong types, odd zones, impossible dates), dropped,
or misspelt, and whole lines are broken. Whatever comes in, the command ends with exit 0, 1
or 2 — never a traceback or a signal — and exit 2 names the file (`FILE:LINE:COL:`) and,
when one field was spoiled and the JSON itself is fine, that field. Issue #9.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from engine.contracts.errors import InputError
from flows.cli import main

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-12-01T09:00:00+08:00"
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
PLAYBOOKS = {  # shipped playbook → an account in its scope, so the rules engine sees the values
    "cn-credit-card.yaml": ("CN", "credit_card", "CNY", "Asia/Shanghai"),
    "us-consumer-loans.yaml": ("US", "personal_loan", "USD", "America/New_York"),
    "uk-consumer-credit.yaml": ("UK", "personal_loan", "GBP", "Europe/London"),
}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Raw:
    """A JSON token written as is (`1e400`, `NaN`, 400 digits): json.dumps cannot."""

    def __init__(self, text: str) -> None:
        self.text = text


def dumps(record: dict[str, Any]) -> str:
    raws: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"__RAW{len(raws) - 1}__"
        if isinstance(value, Decimal):
            return swap(Raw(format(value, "f")))
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    text = json.dumps(swap(record))
    for i, raw in enumerate(raws):
        text = text.replace(f'"__RAW{i}__"', raw)
    return text


# -- values ----------------------------------------------------------------------------

NUMBER_TOKENS = [
    "9999999999999999.00", "1e400", "-1e400", "1" * 400, "9" * 5000, "0.000000001", "1e-400", "NaN",
    "Infinity", "-Infinity", "-0", "1E+16", "1e16", "123456789012345678901234567890", "9007199254740993",
    "-1", "0.005", "1e308", "5e-324", "10000000000000", "9999999999999.99",
]
ODD_TIMES = [
    "2026-02-30T10:00:00+08:00", "2026-12-01T09:00:00+25:00", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00", "2026-12-01T09:00:00", "2026-12-01T09:00:00Z", "2026-13-01",
    "24:00", "2026-12-01T09:00:00+05:45", "2026-03-29T01:30:00+00:00", "1899-12-31T23:00:00+00:00",
    "2026-12-01", "", "now",
]
ODD_ZONES = ["Mars/Olympus", "UTC", "Etc/GMT+12", "Asia/Kathmandu", "../../etc/passwd", "", "America/St_Johns",
             "Pacific/Kiritimati", "asia/shanghai", "Asia/Shanghai\x00"]
STRINGS = ["\x00", "\u202e", "\ud800", "\x1b[31m", "a" * 100_000, "中文", "\n", '"', "\\", "null"]

hostile = st.one_of(
    st.sampled_from(NUMBER_TOKENS).map(Raw),
    st.sampled_from(NUMBER_TOKENS),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(STRINGS),
    st.sampled_from(ODD_TIMES),
    st.sampled_from(ODD_ZONES),
    st.booleans(),
    st.none(),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(-3, 3), max_size=2),
)
money = st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2)


@st.composite
def accounts(draw: st.DrawFn, scope: tuple[str, str, str, str]) -> dict[str, Any]:
    jurisdiction, product, currency, zone = scope
    record: dict[str, Any] = {
        "account_id": draw(st.text(min_size=1, max_size=12)),
        "debtor_id": draw(st.text(min_size=1, max_size=12)),
        "jurisdiction": jurisdiction,
        "product": product,
        "currency": currency,
        "balance": draw(st.one_of(money, money.map(lambda m: format(m, "f")))),
        "dpd": draw(st.integers(0, 400)),
        "risk_score": draw(st.one_of(st.none(), st.integers(300, 850))),
        "timezone": zone,
        "birth_year": draw(st.one_of(st.none(), st.integers(1930, 2005))),
        "flags": draw(st.lists(st.sampled_from(["disputed", "vulnerable", "lost_contact", "custom"]), max_size=2)),
        "phones": [{"number": "+8613800000000", "owner": "debtor"}],
        "attributes": draw(
            st.dictionaries(
                st.sampled_from(["score", "tier", "agency_ok", "preferred_channel"]),
                st.one_of(st.integers(-1000, 10**6), money, st.text(max_size=8), st.booleans()),
                max_size=3,
            )
        ),
    }
    return record


@st.composite
def history_lines(draw: st.DrawFn, account_id: str) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "at": draw(st.sampled_from(["2026-11-28T10:00:00+08:00", "2026-11-30T21:00:00+00:00", "2026-06-01T08:00:00Z"])),
        "channel": draw(st.sampled_from(["call", "sms", "email", "letter"])),
        "outcome": draw(st.sampled_from([None, "connected", "no_answer", "conversation"])),
        "direction": draw(st.sampled_from(["outbound", "inbound"])),
    }


@st.composite
def actions(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "channel": draw(st.sampled_from(["call", "sms", "email"])),
        "at": draw(st.sampled_from(["2026-05-11T10:00:00+08:00", "2026-05-11T23:30:00+08:00"])),
        "kind": draw(st.sampled_from(["payment_demand", "reminder"])),
        "recorded": draw(st.booleans()),
        "to": "+8613800000000",
    }


@st.composite
def spoiled(draw: st.DrawFn, record: dict[str, Any]) -> tuple[str, str | None]:
    """(JSON text, the field that was spoiled or None) — or a line broken as a whole."""
    how = draw(st.sampled_from(["keep", "value", "value", "value", "drop", "unknown", "line"]))
    if how == "keep":
        return dumps(record), None
    if how == "line":
        text = dumps(record)
        return draw(st.sampled_from([text[: len(text) // 2], "[" * 50_000 + "]" * 50_000, "[1, 2]", "\ufeff" + text,
                                     text.replace('"', "'"), "null", '{"a": 1} {"b": 2}'])), None
    field = draw(st.sampled_from(sorted(record)))
    if how == "drop":
        return dumps({k: v for k, v in record.items() if k != field}), field
    if how == "unknown":
        name = field + draw(st.sampled_from(["x", "\n", "\u0085", "\x1b"]))
        return dumps({**record, name: 1}), name if name.isprintable() else repr(name)
    return dumps({**record, field: draw(hostile)}), field


# -- the oracle -------------------------------------------------------------------------


def run_main(*args: str | Path) -> tuple[int, str, str]:
    """`arrears ARGS` in this process: exit code, stdout, stderr. An exception is a failure."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([str(a) for a in args])
    return rc, out.getvalue(), err.getvalue()


def assert_named(stderr: str, path: Path, field: str | None) -> None:
    """Every line of stderr is a `FILE:LINE:COL: message` problem; one names `path` (and the
    spoiled field, unless the JSON itself was unreadable)."""
    problems = [PROBLEM.match(line) for line in stderr.split("\n") if line.strip()]
    assert problems and all(problems), stderr
    ours = [p for p in problems if p and p["file"] == str(path)]
    assert ours, stderr
    if field is not None:
        assert any(p["message"].startswith(f"{field}") or "malformed JSON" in p["message"] for p in ours), stderr


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# -- decide ----------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), playbook=st.sampled_from(sorted(PLAYBOOKS)))
def test_decide_never_crashes_and_names_bad_input(tmp_path_factory: pytest.TempPathFactory, data: Any,
                                                  playbook: str) -> None:
    folder = tmp_path_factory.mktemp("decide")
    record = data.draw(accounts(PLAYBOOKS[playbook]))
    account_text, account_field = data.draw(spoiled(record))
    history_text, history_field = data.draw(spoiled(data.draw(history_lines(str(record["account_id"])))))
    accounts_file = write(folder / "a.jsonl", [dumps(record), account_text])
    history_file = write(folder / "h.jsonl", [history_text])
    out = folder / "d.jsonl"
    rc, _, stderr = run_main("decide", "--playbook", ROOT / "playbooks" / playbook, "--accounts", accounts_file,
                             "--history", history_file, "--at", AT, "--out", out)
    assert rc in (0, 2), (rc, stderr)
    if rc == 0:
        assert out.read_text(encoding="utf-8").count("\n") == 2  # not splitlines: U+0085 is in JSON strings
        return
    assert not out.exists()
    named = [f for f in (accounts_file, history_file) if f"{f}:" in stderr]
    assert len(named) == 1, stderr
    assert_named(stderr, named[0], account_field if named[0] == accounts_file else history_field)


# -- check -----------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_check_never_crashes_and_names_bad_input(tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    folder = tmp_path_factory.mktemp("check")
    record = data.draw(accounts(PLAYBOOKS["cn-credit-card.yaml"]))
    account_text, account_field = data.draw(spoiled(record))
    action_text, action_field = data.draw(spoiled(data.draw(actions())))
    history_text, history_field = data.draw(spoiled(data.draw(history_lines(str(record["account_id"])))))
    files = {
        "account": (write(folder / "acc.json", [account_text]), account_field),
        "action": (write(folder / "act.json", [action_text]), action_field),
        "history": (write(folder / "h.jsonl", [history_text]), history_field),
    }
    args = [x for name, (path, _) in files.items() for x in (f"--{name}", path)]
    rc, stdout, stderr = run_main("check", *args, "--json")
    assert rc in (0, 1, 2), (rc, stderr)
    if rc in (0, 1):
        assert json.loads(stdout)["allowed"] is (rc == 0)
        return
    assert stdout == ""
    named = [(p, f) for p, f in files.values() if f"{p}:" in stderr]
    assert named, stderr
    assert_named(stderr, *named[0])


# -- import ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from engine.store.db import get_engine, upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'fuzz.sqlite'}"
    upgrade(url)
    return get_engine(url)


def _rows(engine: Any) -> tuple[int, int, str]:
    from sqlalchemy import func, select

    from engine.store.models import AccountRow, ContactHistoryRow

    with engine.connect() as conn:
        accounts_n = conn.execute(select(func.count()).select_from(AccountRow)).scalar_one()
        history_n = conn.execute(select(func.count()).select_from(ContactHistoryRow)).scalar_one()
        facts = conn.execute(select(func.group_concat(AccountRow.facts_sha256))).scalar_one() or ""
    return accounts_n, history_n, facts


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["accounts", "history"]))
def test_import_writes_all_or_nothing_and_names_bad_input(store: Any, tmp_path_factory: pytest.TempPathFactory,
                                                          data: Any, kind: str) -> None:
    from engine.store.imports import import_accounts, import_history

    folder = tmp_path_factory.mktemp("import")
    record = data.draw(accounts(PLAYBOOKS["cn-credit-card.yaml"]))
    good = record if kind == "accounts" else data.draw(history_lines(str(record["account_id"])))
    text, field = data.draw(spoiled(good))
    path = write(folder / f"{kind}.jsonl", [dumps(good), text])
    before = _rows(store)
    loader = import_accounts if kind == "accounts" else import_history
    try:
        assert loader(store, path).read == 2
    except InputError as exc:
        assert _rows(store) == before, "a refused file wrote something"
        assert_named("\n".join(str(p) for p in exc.problems), path, field)


# -- a sample through the real console script ---------------------------------------------

SAMPLE = [
    ('"balance": "9999999999999999.00"', "balance"),  # issue #9: segfault (exit 139)
    ('"balance": 1e400', "balance"),
    ('"attributes": {"score": 1e16}', "attributes"),
    ('"dpd": 99999999999999999999999', "dpd"),
    ('"timezone": "Mars/Olympus"', "timezone"),
]


@pytest.mark.parametrize(("fragment", "field"), SAMPLE, ids=[f for _, f in SAMPLE])
def test_the_console_script_exits_2_naming_file_and_field(arrears_cmd: list[str], tmp_path: Path, fragment: str,
                                                          field: str) -> None:
    base = {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "CN", "product": "credit_card",
            "currency": "CNY", "dpd": 48, "balance": "100.00"}
    base.pop(field, None)
    path = write(tmp_path / "a.jsonl", [dumps(base)[:-1] + ", " + fragment + "}"])
    out = tmp_path / "d.jsonl"
    result = subprocess.run(
        [*arrears_cmd, "decide", "--playbook", ROOT / "playbooks" / "cn-credit-card.yaml", "--accounts", path,
         "--at", AT, "--out", out],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert_named(result.stderr, path, field)
    assert not out.exists()


# no shrinking: a shrink made of subprocesses takes minutes
@settings(max_examples=3, deadline=None, phases=[Phase.explicit, Phase.generate])
@given(record=accounts(PLAYBOOKS["cn-credit-card.yaml"]), value=st.sampled_from(NUMBER_TOKENS).map(Raw),
       field=st.sampled_from(["balance", "dpd", "risk_score", "birth_year"]))
def test_a_random_sample_through_the_console_script(tmp_path_factory: pytest.TempPathFactory, record: dict[str, Any],
                                                     value: Raw, field: str) -> None:
    path = write(tmp_path_factory.mktemp("cli") / "a.jsonl", [dumps({**record, field: value})])
    exe = Path(sys.executable).parent / "arrears"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "flows.cli"]
    result = subprocess.run(
        [*cmd, "decide", "--playbook", ROOT / "playbooks" / "cn-credit-card.yaml", "--accounts", path, "--at", AT],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode in (0, 2), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    if result.returncode == 2:
        assert_named(result.stderr, path, field)
