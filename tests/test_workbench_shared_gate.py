"""The diff's shared compliance verdicts change nothing: the same comparison as two separate
gates, on a portfolio where both playbooks propose many identical actions (so the memo is
really used) and some different ones; playbooks with different limits share nothing."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

from cli_helpers import PLAYBOOK, write_playbook

from engine.compliance.adapter import default_gate
from engine.contracts.facts import Account, HistoryEntry
from engine.decide.evaluator import Evaluator
from engine.playbook.loader import load_playbook
from engine.workbench.diff import compare
from engine.workbench.parallel import evaluators
from engine.workbench.shared_gate import SharedGate

AT = datetime.fromisoformat("2026-03-10T21:30:00+08:00")  # late: some calls are moved or blocked


def batch() -> tuple[list[Account], dict[str, list[HistoryEntry]], dict[str, list[HistoryEntry]]]:
    rng = random.Random(3)
    accounts, histories = [], {}
    for i in range(120):
        account = Account.model_validate(
            {
                "account_id": f"A{i}",
                "debtor_id": f"D{i % 40}",
                "jurisdiction": "CN",
                "product": "credit_card",
                "currency": "CNY",
                "balance": "900",
                "dpd": rng.randint(1, 60),
                "timezone": "Asia/Shanghai",
                "phones": [{"number": "+8613800000001", "owner": "debtor"}],
            }
        )
        accounts.append(account)
        histories[account.account_id] = [
            HistoryEntry.model_validate(
                {
                    "account_id": account.account_id,
                    "at": f"2026-03-10T{10 + k}:00:00+08:00",
                    "channel": "call",
                    "outcome": "conversation",
                }
            )
            for k in range(rng.randint(0, 3))
        ]
    debtors: dict[str, list[HistoryEntry]] = {}
    for account in accounts:
        debtors.setdefault(account.debtor_id, []).extend(histories[account.account_id])
    return accounts, histories, debtors


def test_shared_verdicts_give_the_same_comparison_as_separate_gates(tmp_path: Path) -> None:
    old = load_playbook(write_playbook(tmp_path / "old"))
    new = load_playbook(
        write_playbook(
            tmp_path / "new",
            PLAYBOOK.replace("dpd <= 30", "dpd <= 35").replace("when: dpd >= 31\n", "when: dpd >= 36\n"),
        )
    )
    separate = (Evaluator(old, gate=default_gate(old)), Evaluator(new, gate=default_gate(new)))
    shared = evaluators(old, new)
    data = batch()

    expected = compare(*separate, data, AT)
    got = compare(*shared, data, AT)

    gate = shared[0].gate
    assert isinstance(gate, SharedGate) and gate is shared[1].gate
    assert 0 < gate.answered < gate.asked  # the memo answered some questions, not all
    assert expected.changes and got == expected


def test_different_limits_share_nothing(tmp_path: Path) -> None:
    old = load_playbook(write_playbook(tmp_path / "old"))
    stricter = PLAYBOOK.replace(
        "stages:\n", "compliance:\n  CN.CBA.APPROVED_AGENCY: {approved_agencies: [a1]}\nstages:\n", 1
    )
    new = load_playbook(write_playbook(tmp_path / "new", stricter))
    assert old.compliance_limits != new.compliance_limits
    a, b = evaluators(old, new)
    assert a.gate is not b.gate and not isinstance(a.gate, SharedGate)
