"""The prepared response to a declaration: notices to roles, tasks, escalation.

Plain functions over a repository, so the Prefect flow (`flows/emergency.py`) and tests run
the same code. A drill runs exactly this with `drill=True`: the notices say DRILL, and the
drill record is never enforced, so nothing is suspended.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emergency.model import RESPONSE_COMPLETED, EmergencyRecord, EmergencyRepository, NoticeRecord
from emergency.plan import LoadedPlan, notice_context, parse_duration


def file_notices(
    repo: EmergencyRepository, plan: LoadedPlan, record: EmergencyRecord, at: datetime | None = None
) -> list[NoticeRecord]:
    """Render the tier's notices and file them to the internal notices outbox (idempotent)."""
    at = at or datetime.now(UTC)
    drill = record.kind == "drill"
    existing = {n.notice for n in repo.notices(record.emergency_id)}
    context = notice_context(
        plan.plan,
        emergency_id=record.emergency_id,
        tier=record.tier,
        scope=record.scope,
        reason=record.reason,
        declared_by=record.declared_by,
        declared_at=record.declared_at,
        drill=drill,
        source=record.source,
    )
    filed = []
    for notice in plan.tier(record.tier).notices:
        if notice.id in existing:
            continue
        body = plan.templates.render(notice.template, context)
        rec = NoticeRecord(
            notice_id=f"{record.emergency_id}:{notice.id}",
            emergency_id=record.emergency_id,
            notice=notice.id,
            role=notice.role,
            address=plan.plan.roles[notice.role],
            title=("[DRILL] " if drill else "") + notice.title,
            body=body,
            drill=drill,
            filed_at=at,
            ack_due=at + parse_duration(notice.acknowledge_within),
            escalate_to=notice.escalate_to,
        )
        repo.add_notice(rec)
        filed.append(rec)
    return filed


def tasks(record: EmergencyRecord, notices: list[NoticeRecord]) -> list[dict[str, Any]]:
    """The tasks a declaration opens: acknowledge each notice, and reassign the accounts."""
    out = [
        {"task": f"acknowledge {n.notice}", "role": n.role, "due": n.ack_due.isoformat(), "notice_id": n.notice_id}
        for n in notices
    ]
    if record.reassign:
        out.append({"task": "reassign accounts in scope", "to": record.reassign, "scope": record.scope})
    return out


def escalate_overdue(
    repo: EmergencyRepository, plan: LoadedPlan, at: datetime | None = None, emergency_id: str | None = None
) -> list[NoticeRecord]:
    """File an escalation for each notice unacknowledged past its deadline (once each)."""
    at = at or datetime.now(UTC)
    escalated = []
    for notice in repo.notices(emergency_id):
        if notice.acknowledged_at or notice.escalated_at or notice.ack_due > at or ":escalation:" in notice.notice_id:
            continue
        repo.mark_escalated(notice.notice_id, at)
        if notice.escalate_to:
            rec = NoticeRecord(
                notice_id=f"{notice.notice_id}:escalation:{notice.escalate_to}",
                emergency_id=notice.emergency_id,
                notice=f"{notice.notice}_escalation",
                role=notice.escalate_to,
                address=plan.plan.roles.get(notice.escalate_to, notice.escalate_to),
                title=("[DRILL] " if notice.drill else "") + f"Unacknowledged: {notice.title}",
                body=(
                    f"Notice {notice.notice_id} to {notice.role} ({notice.address}) was due for acknowledgement "
                    f"at {notice.ack_due.isoformat()} and is still unacknowledged.\n\n{notice.body}"
                ),
                drill=notice.drill,
                filed_at=at,
                ack_due=at + (notice.ack_due - notice.filed_at),
                escalate_to=None,
            )
            repo.add_notice(rec)
        escalated.append(notice)
    return escalated


def run_response(
    repo: EmergencyRepository, plan: LoadedPlan, record: EmergencyRecord, at: datetime | None = None
) -> dict[str, Any]:
    """Everything a declaration (or drill) sets off, recorded; returns a summary for people."""
    notices = file_notices(repo, plan, record, at)
    opened = tasks(record, repo.notices(record.emergency_id))
    summary = {
        "emergency_id": record.emergency_id,
        "drill": record.kind == "drill",
        "tier": record.tier,
        "scope": record.scope,
        "suspended": "nothing (drill)" if record.kind == "drill" else plan.tier(record.tier).suspend.describe(),
        "reassign": record.reassign,
        "notices": [{"notice_id": n.notice_id, "role": n.role, "ack_due": n.ack_due.isoformat()} for n in notices],
        "tasks": opened,
    }
    repo.audit(RESPONSE_COMPLETED, "emergency-response", record.emergency_id, summary)
    return summary
