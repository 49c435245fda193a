"""`arrears emergency …` and `arrears events ingest`: the three-tier emergency response.

Contract (`../shared/contracts.md`): every changing command acts as the user of
`ARREARS_API_KEY` (role ops; `--by`, if given, must name that user, else exit 3).
`declare --tier 1|2|3 --scope SCOPE --reason TEXT [--json]` prints `{"emergency_id", ...}`;
`stand-down ID --reason TEXT` (Tier 1: a second user confirms with `confirm-stand-down ID`
and their own key); `end-cooling-off ID --reason TEXT` (the plan's `end_cooling_off` users,
the others confirming with `confirm-end-cooling-off ID`); `status --json` prints `[{"emergency_id", "tier", "scope",
"declared_by", "declared_at", "state"}]`, the state from `emergency.lifecycle`. Bad input
exits 2 before anything is written. The declaration commits first — enforcement starts at
that commit — and only then does the response (notices, tasks) run: as the Prefect flow `emergency-response` by default,
or in-process with `--response inline` (`ARREARS_EMERGENCY_RESPONSE`), or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from engine.contracts.errors import InputError
from engine.settings import get_settings
from flows.acting import acting_user
from flows.app import app

emergency_app = typer.Typer(help="Three-tier emergency response: declare, stand down, status.", no_args_is_help=True)
events_app = typer.Typer(help="Ingest complaint, media, emotion and regulator events.", no_args_is_help=True)
app.add_typer(emergency_app, name="emergency")
app.add_typer(events_app, name="events")

PLAN_HELP = "the emergency plan (default: $ARREARS_EMERGENCY_PLAN or playbooks/emergency.yaml)"
TIER_HELP = (
    "1: portfolio-wide (scope all or jurisdiction=XX); 2: segment=, collector=, agency= or jurisdiction= "
    "(never all); 3: one account= or debtor= (never all). The plan's `scopes` per tier decide"
)
SCOPE_HELP = "all | KEY=VALUE[,KEY=VALUE…], e.g. collector=c7; the keys the tier allows (see --tier)"
BY_HELP = "optional: must name the user of ARREARS_API_KEY (who acts is that key's user)"
RESPONSE_HELP = "run the response as the Prefect flow (`flow`), in this process (`inline`), or not (`none`)"


def _plan(path: Path | None) -> Any:
    from emergency.plan import DEFAULT_PLAN, cached_plan

    return cached_plan(str(path or get_settings().emergency_plan or DEFAULT_PLAN))


def _repo() -> Any:
    from emergency.repository import SqlEmergencyRepository
    from engine.store.db import ready_engine

    return SqlEmergencyRepository(ready_engine())


def _mode(value: str | None) -> str:
    mode = value or get_settings().emergency_response or "flow"
    if mode not in ("flow", "inline", "none"):
        raise InputError.at("--response", 0, 0, f"must be flow, inline or none, got {mode!r}")
    return mode


def respond(record: Any, plan_path: Path | None, mode: str) -> dict[str, Any] | None:
    """Run the response to a committed declaration (or drill) in the chosen mode."""
    if mode == "none":
        return None
    if mode == "flow":
        typer.echo(
            f"{record.emergency_id} is recorded (enforced from its commit); now running the response as the "
            "Prefect flow `emergency-response`. Without a Prefect server configured (PREFECT_API_URL) that "
            "starts a temporary one first: 10 s or more. `--response inline` runs it in this process instead.",
            err=True,
        )
        from flows.emergency import emergency_response

        return emergency_response(emergency_id=record.emergency_id, plan=str(plan_path or ""))
    from emergency.response import run_response

    return run_response(_repo(), _plan(plan_path), record)


def _echo(data: Any, as_json: bool, human: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str) if as_json else human)


@emergency_app.command("declare")
def declare_command(
    tier: str = typer.Option(..., "--tier", help=TIER_HELP),
    scope: str = typer.Option(..., "--scope", help=SCOPE_HELP),
    reason: str = typer.Option(..., "--reason", help="why (recorded in the audit chain)"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    json_output: bool = typer.Option(False, "--json", help="print the emergency as JSON"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
    response: str | None = typer.Option(None, "--response", help=RESPONSE_HELP),
) -> None:
    """Declare an emergency: every action in scope is blocked from the moment it commits."""
    from emergency.service import declare

    user = acting_user("emergency.declare", "emergency declare", by)
    mode = _mode(response)
    loaded = _plan(plan)
    record = declare(_repo(), loaded, tier=tier, scope=scope, reason=reason, by=user.name)
    summary = respond(record, plan, mode)
    out = {**record.status_json(), "response": summary}
    _echo(out, json_output, f"declared {record.emergency_id}: tier {record.tier}, scope {record.scope}")


@emergency_app.command("drill")
def drill_command(
    tier: str = typer.Option(..., "--tier", help="the tier to rehearse"),
    scope: str | None = typer.Option(None, "--scope", help="default: the tier's default scope"),
    reason: str = typer.Option("emergency drill", "--reason"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    json_output: bool = typer.Option(False, "--json"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
    response: str | None = typer.Option(None, "--response", help=RESPONSE_HELP),
) -> None:
    """Run the whole response for a tier without suspending anything (labelled DRILL)."""
    from emergency.service import declare

    user = acting_user("emergency.declare", "emergency drill", by)
    mode = _mode(response)
    loaded = _plan(plan)
    record = declare(_repo(), loaded, tier=tier, scope=scope, reason=reason, by=user.name, kind="drill")
    summary = respond(record, plan, "inline" if mode == "none" else mode)
    out = {**record.status_json(), "drill": True, "response": summary}
    _echo(out, json_output, f"DRILL {record.emergency_id}: tier {record.tier}, scope {record.scope}; nothing suspended")


@emergency_app.command("stand-down")
def stand_down_command(
    emergency_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason"),
    by: list[str] | None = typer.Option(None, "--by", help=BY_HELP),
    json_output: bool = typer.Option(False, "--json"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
) -> None:
    """Stand an emergency down as the key's user (role ops); other emergencies stay in force.
    Tier 1 needs a second user: it waits (contact stays held) until another user runs
    `confirm-stand-down ID` with their own key. A tier with a cooling-off (Tier 3: 48 h from
    the declaration) keeps holding contact until it ends, or until `end-cooling-off` ends it early."""
    _sign(emergency_id, "stand_down", reason, by, json_output, plan, confirming=False)


@emergency_app.command("confirm-stand-down")
def confirm_stand_down_command(
    emergency_id: str = typer.Argument(..., metavar="ID"),
    reason: str | None = typer.Option(None, "--reason", help="optional: why you agree"),
    by: list[str] | None = typer.Option(None, "--by", help=BY_HELP),
    json_output: bool = typer.Option(False, "--json"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
) -> None:
    """Confirm another user's pending stand-down with your own key (the two-person rule)."""
    _sign(emergency_id, "stand_down", reason, by, json_output, plan, confirming=True)


@emergency_app.command("end-cooling-off")
def end_cooling_off_command(
    emergency_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="why contact may resume now (recorded in the audit chain)"),
    by: list[str] | None = typer.Option(None, "--by", help=BY_HELP),
    json_output: bool = typer.Option(False, "--json"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
) -> None:
    """End a stood-down emergency's cooling-off early (the plan's `end_cooling_off` users, by
    default two: another user confirms with `confirm-end-cooling-off ID`); contact then resumes."""
    _sign(emergency_id, "end_cooling_off", reason, by, json_output, plan, confirming=False)


@emergency_app.command("confirm-end-cooling-off")
def confirm_end_cooling_off_command(
    emergency_id: str = typer.Argument(..., metavar="ID"),
    reason: str | None = typer.Option(None, "--reason", help="optional: why you agree"),
    by: list[str] | None = typer.Option(None, "--by", help=BY_HELP),
    json_output: bool = typer.Option(False, "--json"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
) -> None:
    """Confirm another user's pending early end of cooling-off with your own key."""
    _sign(emergency_id, "end_cooling_off", reason, by, json_output, plan, confirming=True)


def _sign(
    emergency_id: str, action: str, reason: str | None, by: list[str] | None, json_output: bool,
    plan: Path | None, *, confirming: bool,
) -> None:
    """Sign `action` as the key's user; print the new state, or who has signed so far."""
    from emergency.service import sign_off

    command = ("confirm-" if confirming else "") + action.replace("_", "-")
    user = acting_user("emergency.stand_down", f"emergency {command}", by)
    record = sign_off(_repo(), _plan(plan), emergency_id, action, user.name, reason, confirming=confirming)
    row = record.status_json()
    waiting = row.get("pending")
    human = _state_line(record)
    if waiting and waiting["action"] == action:
        verb = action.replace("_", "-")
        human = (f"{record.emergency_id}: {verb} signed by {', '.join(waiting['by'])}; it needs another user: "
                 f"`arrears emergency confirm-{verb} {record.emergency_id}` with their own key "
                 f"(until then it stays {row['state']} and contact in scope stays held)")
    _echo(row, json_output, human)


def _state_line(record: Any) -> str:
    """`EM-…: cooling_off until T (…)` or `EM-…: stood_down`: the life-cycle state, in words."""
    row = record.status_json()
    if row["ends_at"]:
        return (
            f"{record.emergency_id}: {row['state']} until {row['ends_at']} (contact in scope stays held; "
            f"`arrears emergency end-cooling-off {record.emergency_id} --reason TEXT`, confirmed by another user, "
            "ends it early)"
        )
    return f"{record.emergency_id}: {row['state']}"


@emergency_app.command("confirm")
def confirm_command(
    proposal_id: str = typer.Argument(..., metavar="ID"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    json_output: bool = typer.Option(False, "--json"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
    response: str | None = typer.Option(None, "--response", help=RESPONSE_HELP),
) -> None:
    """Confirm a Tier 1 proposal raised by event correlation: it becomes a declaration."""
    from emergency.service import confirm

    user = acting_user("emergency.declare", "emergency confirm", by)
    mode = _mode(response)
    record = confirm(_repo(), _plan(plan), proposal_id, user.name)
    summary = respond(record, plan, mode)
    out = {**record.status_json(), "response": summary}
    human = f"confirmed {proposal_id} as {record.emergency_id}: tier {record.tier}, scope {record.scope}"
    _echo(out, json_output, human)


@emergency_app.command("status")
def status_command(
    json_output: bool = typer.Option(False, "--json"),
    all_records: bool = typer.Option(False, "--all", help="also stood-down ones, proposals and drills"),
) -> None:
    """Emergencies in force (and pending proposals); `--all` for the whole history."""
    from datetime import UTC, datetime

    from emergency.lifecycle import IN_FORCE_OR_PENDING

    now = datetime.now(UTC)
    rows = [r.status_json(now) for r in _repo().all()]
    if not all_records:
        rows = [r for r in rows if r["state"] in IN_FORCE_OR_PENDING]
    human = "\n".join(
        f"{r['emergency_id']}  tier {r['tier']}  {r['state']:<11} {r['scope']}  "
        f"by {r['declared_by']} at {r['declared_at']}" + (f"  held until {r['ends_at']}" if r.get("ends_at") else "")
        for r in rows
    )
    _echo(rows, json_output, human or "no emergency in force")


@emergency_app.command("notices")
def notices_command(
    emergency_id: str | None = typer.Argument(None, metavar="[ID]"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """The internal notices outbox (with acknowledgement state)."""
    rows = []
    for n in _repo().notices(emergency_id):
        rows.append(
            {
                "notice_id": n.notice_id,
                "emergency_id": n.emergency_id,
                "role": n.role,
                "address": n.address,
                "title": n.title,
                "drill": n.drill,
                "ack_due": n.ack_due.isoformat(),
                "acknowledged_by": n.acknowledged_by,
                "escalated_at": n.escalated_at.isoformat() if n.escalated_at else None,
                "body": n.body,
            }
        )
    human = "\n".join(f"{r['notice_id']}  {r['role']}  due {r['ack_due']}  ack {r['acknowledged_by']}" for r in rows)
    _echo(rows, json_output, human or "no notices")


@emergency_app.command("acknowledge")
def acknowledge_command(
    notice_id: str = typer.Argument(..., metavar="NOTICE_ID"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Acknowledge a notice as the key's user (recorded in the audit chain)."""
    from datetime import UTC, datetime

    user = acting_user("emergency.acknowledge", "emergency acknowledge", by)
    repo = _repo()
    if not any(n.notice_id == notice_id for n in repo.notices()):
        raise InputError.at("NOTICE_ID", 0, 0, f"unknown notice {notice_id!r} (see `arrears emergency notices`)")
    repo.acknowledge(notice_id, user.name, datetime.now(UTC))
    typer.echo(f"acknowledged {notice_id}")


@emergency_app.command("escalate")
def escalate_command(plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP)) -> None:
    """Escalate every notice left unacknowledged past its deadline (the response flow does this too)."""
    from emergency.response import escalate_overdue

    acting_user("emergency.declare", "emergency escalate")
    done = escalate_overdue(_repo(), _plan(plan))
    typer.echo(f"escalated {len(done)} notice(s)")


@events_app.command("ingest")
def ingest_command(
    file: Path = typer.Argument(..., metavar="FILE.jsonl"),
    json_output: bool = typer.Option(False, "--json"),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
    response: str | None = typer.Option(None, "--response", help=RESPONSE_HELP),
) -> None:
    """Correlate events with the plan's rules: Tiers 2–3 are declared, Tier 1 is proposed."""
    from emergency.events import ingest_file

    acting_user("emergency.declare", "events ingest")
    mode = _mode(response)
    repo = _repo()
    outcomes = ingest_file(repo, _plan(plan), file)
    for outcome in outcomes:
        if outcome["result"] == "declared":
            outcome["response"] = respond(repo.get(outcome["emergency_id"]), plan, mode)
    human = "\n".join(
        f"{o['rule']}: {o['result']} {o['emergency_id']} (tier {o['tier']}, {o['scope']})" for o in outcomes
    )
    _echo(outcomes, json_output, human or "no rule fired")
