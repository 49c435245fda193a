"""`arrears audit runs|contacts|explain|verify|report`: the auditors' read-only views."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from flows.app import app, audit_app


def _date(text: str | None) -> str | None:
    from engine.contracts.timestamps import parse_date

    return parse_date(text, "--date").isoformat() if text else None


def _print(data: object, json_output: bool, lines: list[str]) -> None:
    if json_output:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        for line in lines:
            typer.echo(line)


def _rule(v: dict) -> str:
    return f"{v['rule']} ({v.get('citation', '')})"


@audit_app.command("runs")
def runs(
    date: str | None = typer.Option(None, "--date", help="only runs of this business date"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Daily runs as recorded by Arrears (not Prefect's best-effort index)."""
    from engine.store.audit_views import runs as view
    from engine.store.db import ready_engine

    items = view(ready_engine(), _date(date))
    lines = [
        f"{r['started']}  {r['state']:<9} {r['business_date']}  {r['flow_run_id']}  "
        f"decided {r['decided']}, dispatched {r['dispatched']}, blocked {r['blocked']}"
        + (f", {r['pending']} contacts waiting for dispatch" if r.get("pending") else "")
        for r in items
    ]
    _print(items, json_output, lines or ["no runs recorded"])


@audit_app.command("contacts")
def contacts(
    date: str | None = typer.Option(None, "--date", help="business date of the run that dispatched them"),
    account: str | None = typer.Option(None, "--account", help="only this account"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Every outbound contact dispatched, with its idempotency key and flow run."""
    from engine.store.audit_views import contacts as view
    from engine.store.db import ready_engine

    items = view(ready_engine(), _date(date), account)
    lines = [f"{c['at']}  {c['channel']:<10} {c['idempotency_key']}  run {c['flow_run_id']}" for c in items]
    _print(items, json_output, lines or ["no contacts"])


@audit_app.command("explain")
def explain(
    account: str = typer.Argument(..., metavar="ACCOUNT"),
    date: str | None = typer.Option(None, "--date", help="business date (default: the latest decision)"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """The recorded decision for an account: which version, which rules, what was blocked and why."""
    from engine.report.masking import mask_contact
    from engine.store.audit_views import explain as view
    from engine.store.db import ready_engine

    d = view(ready_engine(), account, _date(date))
    actions, blocked = d["actions"], d["blocked"]
    pb = d["playbook"]
    lines = [
        f"{d['account_id']} on {d['business_date']} (run {d['flow_run_id']})",
        f"playbook {pb['name']} {pb['version']} sha256 {pb['sha256']}",
        *([f"experiment group {d['group']}"] if d.get("group") else []),
        f"segment {d['segment']}, stage {d['stage']}, priority {d['priority']}, "
        f"assigned to {d['assignment']['kind']}/{d['assignment'].get('queue')}",
        *[f"  action: {a['channel']} to {mask_contact(a.get('to'))} at {a['at']} ({a['template']})" for a in actions],
        *[f"  blocked: {b['action']['channel']}: " + "; ".join(_rule(v) for v in b["violations"]) for b in blocked],
        *[f"  - {line}" for line in d["explanation"]],
    ]
    _print(d, json_output, lines)


@audit_app.command("verify")
def verify(json_output: bool = typer.Option(False, "--json")) -> None:
    """Check the hash chains; exit 0 intact, 1 naming the first edited or removed record."""
    from engine.store.chain import verify_all
    from engine.store.db import ready_engine

    with ready_engine().connect() as conn:
        counts, broken = verify_all(conn)
    result = {"intact": broken is None, "records": counts, "first_break": str(broken) if broken else None}
    if broken:
        result.update(chain=broken.chain, seq=broken.seq, row_id=broken.row_id, reason=broken.reason)
    total = sum(counts.values())
    _print(result, json_output, [f"intact: {total} records in {len(counts)} chains"] if not broken else [])
    if broken:
        if not json_output:
            typer.echo(f"BROKEN: {broken}", err=True)
        raise typer.Exit(1)


@audit_app.command("report")
def report(
    date: str = typer.Option(..., "--date", help="business date"),
    out: Path | None = typer.Option(None, "--out", help="HTML file (default ARREARS_HOME/reports/audit-DATE.html)"),
    json_output: bool = typer.Option(False, "--json", help="print the report's data as JSON instead"),
) -> None:
    """An HTML report for one business date: runs, counts, blocked by rule with citations, emergencies, versions."""
    from datetime import UTC, datetime

    from emergency.repository import lifecycle_views
    from engine.report.audit_report import gather, render_html
    from engine.settings import arrears_home
    from engine.store.db import ready_engine

    day = _date(date)
    assert day is not None
    engine = ready_engine()
    data = gather(engine, day, lifecycle_views(engine, datetime.now(UTC)))
    if json_output:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    target = out or arrears_home() / "reports" / f"audit-{day}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(data), encoding="utf-8")
    typer.echo(str(target))


__all__ = ["app"]
