"""`arrears audit report --date D`: one self-contained HTML page for an auditor.

Runs of the day, counts, every blocking rule with its citation, emergencies, the playbook
versions in force, and a few blocked examples. Personal data is masked (`engine.report.masking`):
an auditor sees which rule stopped which account, not the debtor's number or message.
"""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from typing import Any

from sqlalchemy import Engine, select

from engine.report.masking import mask_contact, mask_text
from engine.store import audit_views
from engine.store.chain import verify_all
from engine.store.clock import now_iso
from engine.store.models import AuditLog, DecisionRow, Emergency, EmergencyStandDown, OutboxContact
from engine.store.playbooks import list_versions

STYLE = (
    "body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f4f4f4}"
    ".ok{color:#080}.bad{color:#b00}code{font-size:12px}"
)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return "<p>none</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def gather(engine: Engine, business_date: str) -> dict[str, Any]:
    """Everything the report shows, as data (also what `--json` prints)."""
    by_rule: Counter[str] = Counter()
    citations: dict[str, str] = {}
    by_stage: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    decided = 0
    d = DecisionRow.__table__
    with engine.connect() as conn:
        stmt = select(d.c.account_id, d.c.stage, d.c.decision).where(d.c.business_date == business_date)
        seen: set[str] = set()
        for account_id, stage, text in conn.execution_options(yield_per=2000).execute(
            stmt.order_by(d.c.chain_seq.desc())
        ):
            if account_id in seen:  # latest decision per account only
                continue
            seen.add(account_id)
            decided += 1
            by_stage[stage or "none"] += 1
            if '"blocked":[]' in text:
                continue
            decision = json.loads(text)
            for b in decision["blocked"]:
                for v in b["violations"]:
                    by_rule[v["rule"]] += 1
                    citations.setdefault(v["rule"], v.get("citation", ""))
                if len(examples) < 10:
                    action = b["action"]
                    examples.append(
                        {
                            "account_id": account_id,
                            "channel": action.get("channel"),
                            "to": mask_contact(action.get("to")),
                            "text": mask_text(action.get("text")),
                            "rules": ", ".join(v["rule"] for v in b["violations"]),
                        }
                    )
        o = OutboxContact.__table__
        channels = Counter(ch for (ch,) in conn.execute(select(o.c.channel).where(o.c.business_date == business_date)))
        emergencies = [dict(r) for r in conn.execute(select(Emergency.__table__)).mappings()]
        stand_downs = {
            r.emergency_id: r for r in conn.execute(select(EmergencyStandDown.__table__).order_by("chain_seq"))
        }
        log = AuditLog.__table__
        response_log = [
            {
                "at": r.at,
                "event": r.event,
                "actor": r.actor,
                "subject": r.subject,
                "details": mask_text(r.details) or "",
            }
            for r in conn.execute(select(log).where(log.c.event.like("EMERGENCY%")).order_by(log.c.chain_seq))
        ]
        _, broken = verify_all(conn)
    return {
        "business_date": business_date,
        "generated_at": now_iso(),
        "runs": audit_views.runs(engine, business_date),
        "decided": decided,
        "by_stage": dict(by_stage),
        "contacts_by_channel": dict(channels),
        "blocked_by_rule": [{"rule": r, "citation": citations[r], "count": n} for r, n in by_rule.most_common()],
        "blocked_examples": examples,
        "emergencies": [
            {
                **{k: e[k] for k in ("emergency_id", "tier", "scope", "declared_by", "declared_at")},
                "reason": mask_text(e["reason"]),
                "state": "stood_down" if e["emergency_id"] in stand_downs else "active",
                "stood_down_by": getattr(stand_downs.get(e["emergency_id"]), "stood_down_by", None),
                "stood_down_at": getattr(stand_downs.get(e["emergency_id"]), "at", None),
                "stand_down_reason": mask_text(getattr(stand_downs.get(e["emergency_id"]), "reason", None)),
            }
            for e in emergencies
        ],
        "emergency_log": response_log,
        "playbook_versions": [v for v in list_versions(engine) if v["state"] != "pending"],
        "chain": "intact" if broken is None else f"BROKEN: {broken}",
    }


def render_html(data: dict[str, Any]) -> str:
    day = escape(data["business_date"])
    chain_class = "ok" if data["chain"] == "intact" else "bad"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Arrears audit {day}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Audit report, business date {day}</h1>",
        f"<p>Generated {escape(data['generated_at'])}. Evidence chain: "
        f"<b class='{chain_class}'>{escape(data['chain'])}</b>. Personal data is masked.</p>",
        "<h2>Runs</h2>",
        _table(
            ["flow run", "state", "started", "ended", "decided", "dispatched", "blocked", "playbooks"],
            [
                [
                    r["flow_run_id"],
                    r["state"],
                    r["started"],
                    r["ended"],
                    r["decided"],
                    r["dispatched"],
                    r["blocked"],
                    ", ".join(f"{p['name']} {p['version']} {p['sha256'][:12]}" for p in r["playbooks"]),
                ]
                for r in data["runs"]
            ],
        ),
        f"<h2>Decisions</h2><p>{data['decided']} accounts decided.</p>",
        _table(["stage", "accounts"], [[k, v] for k, v in sorted(data["by_stage"].items())]),
        "<h2>Contacts dispatched</h2>",
        _table(["channel", "contacts"], [[k, v] for k, v in sorted(data["contacts_by_channel"].items())]),
        "<h2>Blocked by rule</h2>",
        _table(
            ["rule", "citation", "actions"], [[b["rule"], b["citation"], b["count"]] for b in data["blocked_by_rule"]]
        ),
        "<h3>Examples (masked)</h3>",
        _table(
            ["account", "channel", "to", "rules", "text"],
            [[e["account_id"], e["channel"], e["to"], e["rules"], e["text"]] for e in data["blocked_examples"]],
        ),
        "<h2>Emergencies</h2>",
        _table(
            ["id", "tier", "scope", "reason", "declared by", "declared at", "state", "stood down by", "at", "why"],
            [
                [
                    e["emergency_id"],
                    e["tier"],
                    e["scope"],
                    e["reason"],
                    e["declared_by"],
                    e["declared_at"],
                    e["state"],
                    e["stood_down_by"] or "",
                    e["stood_down_at"] or "",
                    e["stand_down_reason"] or "",
                ]
                for e in data["emergencies"]
            ],
        ),
        "<h3>Emergency response log (who did what, when)</h3>",
        _table(
            ["at", "event", "actor", "subject", "details"],
            [[r["at"], r["event"], r["actor"], r["subject"], r["details"]] for r in data["emergency_log"]],
        ),
        "<h2>Playbook versions approved</h2>",
        _table(
            ["name", "version", "sha256", "state", "author", "approvals"],
            [
                [
                    v["name"],
                    v["version"],
                    v["sha256"],
                    v["state"],
                    v["author"],
                    "; ".join(f"{a['approver']} at {a['approved_at']}" for a in v["approvals"]),
                ]
                for v in data["playbook_versions"]
            ],
        ),
        "</body></html>",
    ]
    return "\n".join(parts)
