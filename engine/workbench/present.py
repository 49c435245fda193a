"""A diff for people: a plain-text table for the terminal, the same content as an HTML page.

Both show exactly what `DiffReport.as_json` holds (explanations already masked with the
account's `Personal` when the examples were taken); the HTML page goes through the sandboxed,
autoescaped report environment (`engine.report.templating`) and loads nothing from the
network, so it can be mailed or archived as it is.
"""

from __future__ import annotations

from typing import Any

from engine.report.templating import render_report
from engine.workbench.diff import DiffReport


def show(value: Any) -> str:
    """A field value for reading: `-` for none, `[]` for an empty list, items comma-separated."""
    if value is None:
        return "-"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _grid(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def _name(identity: dict[str, str]) -> str:
    return f"{identity['name']} {identity['version']} ({identity['sha256'][:12]})"


def text(report: DiffReport, old: dict[str, str], new: dict[str, str]) -> str:
    """The terminal table: summary, one row per transition, then the examples."""
    data = report.as_json()
    lines = [
        f"{_name(old)} -> {_name(new)}",
        f"{data['accounts']} accounts, {data['changed']} changed",
    ]
    if not data["transitions"]:
        return "\n".join(lines) + "\n"
    rows = [[t["field"], show(t["from"]), show(t["to"]), str(t["accounts"])] for t in data["transitions"]]
    lines += ["", *_grid(["field", "from", "to", "accounts"], rows), "", "examples (personal data masked):"]
    for e in data["examples"]:
        lines.append(f"- {e['account_id']}: {e['field']} {show(e['from'])} -> {show(e['to'])}")
        lines += [f"    old: {line}" for line in e["explanation"]["old"]]
        lines += [f"    new: {line}" for line in e["explanation"]["new"]]
    return "\n".join(lines) + "\n"


def html(report: DiffReport, old: dict[str, str], new: dict[str, str], at: str) -> str:
    """The same content as `text`, as one self-contained HTML page."""
    return render_report(
        "playbook_diff.html.j2",
        {"r": report.as_json(), "old": old, "new": new, "at": at},
        filters={"show": show},
    )
