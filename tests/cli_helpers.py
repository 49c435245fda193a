"""Helpers for the CLI tests: run the real `arrears` executable, write small playbooks, and
find where a piece of text stands in a file (to check `FILE:LINE:COL` without hard-coding)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")

PLAYBOOK = """\
version: 1
name: cli-test
revision: "r1"
applies_to: {jurisdictions: [CN], products: [credit_card]}
timezone: Asia/Shanghai
lender: {name: Test Bank, phone: "400-000-0000"}
segments:
  - id: big
    when: balance >= 50000
  - id: all
priority:
  base: 10
  rules:
    - {id: late, when: dpd >= 31, points: 20}
stages:
  - id: remind
    when: dpd >= 1 and dpd <= 30
    assign: {kind: robot, queue: robot-remind}
    treatments:
      - id: nudge
        channel: sms
        template: sms.j2
        kind: reminder
        hours: ["09:00", "20:00"]
  - id: negotiate
    when: dpd >= 31
    assign: {kind: collector, queue: negotiation}
    treatments:
      - id: negotiate_call
        channel: call
        template: call.j2
        kind: payment_demand
        hours: ["09:00", "20:00"]
"""

TEMPLATES = {
    "sms.j2": "【{{ lender.name }}】{{ debtor.name }}, {{ account.dpd }} days overdue. {{ opt_out }}\n",
    "call.j2": "{{ debtor.name }}, please pay {{ account.balance | money(account.currency) }}.\n",
}


def run(cmd: list[str], *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, *map(str, args)], capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=300
    )


def write_playbook(folder: Path, text: str = PLAYBOOK, name: str = "pb.yaml", templates: dict | None = None) -> Path:
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    for tname, body in (TEMPLATES if templates is None else templates).items():
        (folder / "templates" / tname).write_text(body, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the `occurrence`-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def problems(stderr: str) -> list[dict[str, str]]:
    """Every stderr line parsed as `FILE:LINE:COL: message`; fails on any other line."""
    out = []
    for line in stderr.splitlines():
        m = PROBLEM.match(line)
        assert m, f"not a FILE:LINE:COL: message line: {line!r}\n--- stderr ---\n{stderr}"
        out.append(m.groupdict())
    assert out, "no error on stderr"
    return out


def assert_refused(result: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    """Exit 2, only `FILE:LINE:COL: message` lines on stderr, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    return problems(result.stderr)
