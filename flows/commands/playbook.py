"""`arrears playbook activate|approve|list|show|challenge|promote`: versions and experiments, maker-checker."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from flows.app import app

playbook_app = typer.Typer(
    help="Stored playbook versions (activate, approve, list, show) and champion/challenger experiments.",
    no_args_is_help=True,
)
app.add_typer(playbook_app, name="playbook")


@playbook_app.command("activate")
def activate(
    path: Path = typer.Argument(..., help="playbook YAML, or a `kind: targets` / `kind: roster` file"),
    by: str | None = typer.Option(None, "--by", help="optional: must name the user of ARREARS_API_KEY (the maker)"),
    json_output: bool = typer.Option(False, "--json", help="print {name, version, sha256}"),
) -> None:
    """Store an immutable version (content, templates, sha256) as the key's user (role strategy_owner);
    it runs once another user (role approver) approves it."""
    from engine.store.db import ready_engine
    from engine.store.playbooks import activate as store
    from flows.acting import acting_user

    user = acting_user("playbook.activate", "playbook activate", by)
    identity, new = store(ready_engine(), path, user.name)
    if json_output:
        typer.echo(json.dumps(identity, ensure_ascii=False))
    else:
        what = "stored" if new else "already stored"
        typer.echo(f"{identity['name']} {identity['version']} {what}, sha256 {identity['sha256']}")
        typer.echo(
            f"next: arrears playbook approve {identity['sha256'][:12]}, by a user with role approver (not {user.name})"
        )


@playbook_app.command("approve")
def approve(
    ref: str = typer.Argument(..., metavar="SHA256", help="sha256 or a unique prefix, or an experiment id exp-…"),
    by: str | None = typer.Option(None, "--by", help="optional: must name the user of ARREARS_API_KEY (the checker)"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Approve a version as the key's user (role approver, not its author): from now on daily runs of that
    playbook (or roster; or status of that month's targets) use it.

    Given an experiment id (`exp-…`), approve its pending step instead: its start, or its promotion."""
    from engine.store.db import ready_engine
    from engine.store.experiments import PREFIX
    from engine.store.playbooks import approve as store
    from flows.acting import acting_user

    user = acting_user("playbook.approve", "playbook approve", by)
    if ref.strip().startswith(PREFIX):
        return _approve_experiment(ref, user.name, json_output)
    result = store(ready_engine(), ref, user.name)
    if json_output:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        kind = result["applies_to"].get("kind")
        used_by = "targets status uses it" if kind == "targets" else "daily runs use it"
        note = f"approved; {used_by}" if result["changed"] else "was already the approved version"
        typer.echo(f"{result['name']} {result['version']} ({result['sha256'][:12]}) {note}")


@playbook_app.command("list")
def list_(json_output: bool = typer.Option(False, "--json")) -> None:
    """Every stored version: approved (in force), superseded or pending."""
    from engine.store.db import ready_engine
    from engine.store.playbooks import list_versions

    items = list_versions(ready_engine())
    if json_output:
        typer.echo(json.dumps(items, ensure_ascii=False))
        return
    for i in items:
        approver = i["approvals"][-1]["approver"] if i["approvals"] else "-"
        typer.echo(
            f"{i['sha256'][:12]}  {i['state']:<10} {i['name']} {i['version']}  by {i['author']}, approved by {approver}"
        )


@playbook_app.command("show")
def show(
    ref: str = typer.Argument(..., metavar="SHA256"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """One version: identity, state, approvals and its YAML."""
    from engine.store.db import ready_engine
    from engine.store.playbooks import show as read

    item = read(ready_engine(), ref)
    if json_output:
        typer.echo(json.dumps(item, ensure_ascii=False))
        return
    for key in ("name", "version", "sha256", "state", "author", "created_at", "applies_to", "approvals"):
        typer.echo(f"{key}: {item[key]}")
    typer.echo("templates: " + ", ".join(item["templates"]))
    typer.echo("---")
    typer.echo(item["content"])


def _experiment_line(x: dict) -> str:
    return (
        f"{x['experiment_id']} {x['state']}: {x['name']} champion {x['champion_sha256'][:12]} "
        f"vs challenger {x['challenger_sha256'][:12]} at share {x['share']}"
        + (f", winner {x['winner']}" if x["winner"] else "")
    )


def _approve_experiment(ref: str, by: str, json_output: bool) -> None:
    from engine.store.db import ready_engine
    from engine.store.experiments import approve as store

    x = store(ready_engine(), ref, by).as_dict()
    typer.echo(json.dumps(x, ensure_ascii=False) if json_output else _experiment_line(x))


@playbook_app.command("challenge")
def challenge(
    champion: str = typer.Argument(..., metavar="CHAMPION_SHA", help="approved version (sha256 or prefix)"),
    challenger: str = typer.Argument(..., metavar="CHALLENGER_SHA", help="approved version of the same playbook"),
    share: str = typer.Option(..., "--share", help="challenger's share of accounts, 0 < P < 1 (e.g. 0.2)"),
    by: str | None = typer.Option(None, "--by", help="optional: must name the user of ARREARS_API_KEY (the maker)"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Propose a champion/challenger experiment as the key's user (role strategy_owner); it starts
    once another user approves its id."""
    from engine.store.db import ready_engine
    from engine.store.experiments import propose
    from flows.acting import acting_user

    by = acting_user("playbook.activate", "playbook challenge", by).name
    x = propose(ready_engine(), champion, challenger, share, by).as_dict()
    if json_output:
        typer.echo(json.dumps(x, ensure_ascii=False))
        return
    typer.echo(_experiment_line(x))
    typer.echo(f"next: arrears playbook approve {x['experiment_id']} --by <someone other than {by}>")


@playbook_app.command("promote")
def promote(
    experiment: str = typer.Argument(..., metavar="EXPERIMENT_ID"),
    winner: str = typer.Option(..., "--winner", help="champion|challenger: the version that stays in force"),
    by: str | None = typer.Option(None, "--by", help="optional: must name the user of ARREARS_API_KEY (the maker)"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Propose ending a running experiment with a winner as the key's user (role strategy_owner);
    it ends once another user approves its id."""
    from engine.store.db import ready_engine
    from engine.store.experiments import promote as store
    from flows.acting import acting_user

    by = acting_user("playbook.activate", "playbook promote", by).name
    x = store(ready_engine(), experiment, winner, by).as_dict()
    if json_output:
        typer.echo(json.dumps(x, ensure_ascii=False))
        return
    typer.echo(_experiment_line(x))
    typer.echo(f"next: arrears playbook approve {x['experiment_id']} --by <someone other than {by}>")


@playbook_app.command("experiments")
def experiments(json_output: bool = typer.Option(False, "--json")) -> None:
    """Every champion/challenger experiment and its state: proposed, running, promoting, ended."""
    from engine.store.db import ready_engine
    from engine.store.experiments import list_experiments

    items = list_experiments(ready_engine())
    if json_output:
        typer.echo(json.dumps(items, ensure_ascii=False))
        return
    for x in items:
        typer.echo(_experiment_line(x))
