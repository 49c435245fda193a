"""The daily run's Prefect artifacts: a summary table and a markdown report.

Counts only, and playbook identities and chain heads: no names, numbers or addresses, so
the artifacts can be read by anyone with access to the Prefect UI.
"""

from __future__ import annotations

from typing import Any


def summary_table(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows `{metric, key, count}`: totals, then each breakdown."""
    totals = ("accounts", "decided", "out_of_scope", "dispatched", "already_dispatched", "blocked")
    totals += ("relayed", "pending")
    rows: list[dict[str, Any]] = [{"metric": name, "key": "", "count": summary.get(name) or 0} for name in totals]
    for name in ("blocked_by_rule", "by_stage", "by_channel", "by_assignment", "by_playbook"):
        rows.extend({"metric": name, "key": k, "count": v} for k, v in summary.get(name, {}).items())
    return rows


def _section(title: str, counts: dict[str, int]) -> list[str]:
    if not counts:
        return [f"### {title}", "", "none", ""]
    lines = [f"### {title}", "", "| | count |", "|---|---:|"]
    lines += [f"| `{k}` | {v} |" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return [*lines, ""]


def markdown_report(
    business_date: str, flow_run_id: str, playbooks: list[dict[str, str]], summary: dict[str, Any], heads: dict
) -> str:
    lines = [
        f"# Daily strategy run {business_date}",
        "",
        f"Flow run `{flow_run_id}`.",
        "",
        "| playbook | version | sha256 |",
        "|---|---|---|",
        *[f"| {p['name']} | {p['version']} | `{p['sha256'][:16]}…` |" for p in playbooks],
        "",
        f"**{summary.get('decided', 0)}** accounts decided, **{summary.get('dispatched', 0)}** contacts newly "
        f"written to the outbox ({summary.get('already_dispatched', 0)} were already there), "
        f"**{summary.get('blocked', 0)}** actions blocked.",
        "",
        f"**{summary.get('relayed', 0)}** contacts handed to the dispatcher by this run; "
        f"**{summary.get('pending') or 0}** still waiting for dispatch.",
        "",
    ]
    if summary.get("crashed_runs"):
        lines += [f"Runs found crashed when this run started: {', '.join(summary['crashed_runs'])}.", ""]
    lines += _section("Blocked by rule", summary.get("blocked_by_rule", {}))
    lines += _section("By stage", summary.get("by_stage", {}))
    lines += _section("By channel", summary.get("by_channel", {}))
    lines += _section("By assignment", summary.get("by_assignment", {}))
    lines += ["### Evidence chain heads after this run", "", "| chain | records | head |", "|---|---:|---|"]
    lines += [f"| {c} | {seq} | `{h[:16]}…` |" for c, (seq, h) in sorted(heads.items())]
    return "\n".join(lines) + "\n"
