"""`arrears users add|list|disable|rotate-key`: who may change the record (role admin).

`add` and `rotate-key` print the new API key once (`--json`: `{"user", "role", "api_key"}`);
it is stored only as an Argon2id hash of its secret, so it can never be shown again.
"""

from __future__ import annotations

import json

import typer

from flows.app import app

users_app = typer.Typer(help="Users, roles and API keys (role admin).", no_args_is_help=True)
app.add_typer(users_app, name="users")


def show_key(result: dict[str, str], as_json: bool) -> None:
    """Print a new key: JSON for programs, or a line saying it will not be shown again."""
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"user {result['user']} (role {result['role']}); API key, shown once — keep it secret:")
    typer.echo(result["api_key"])


@users_app.command("add")
def add(
    name: str = typer.Argument(..., help="the user's name, also their id in the audit trail: [a-z0-9][a-z0-9._-]*"),
    role: str = typer.Option(..., "--role", help="admin, strategy_owner, approver, ops, auditor or dialer"),
    json_output: bool = typer.Option(False, "--json", help='print {"user", "role", "api_key"}'),
) -> None:
    """Add a user with a role; prints their API key once."""
    from engine.identity.users import add_user
    from engine.store.db import ready_engine
    from flows.acting import acting_user

    admin = acting_user("users.manage", "users add")
    show_key(add_user(ready_engine(), name, role, admin.name), json_output)


@users_app.command("list")
def list_(json_output: bool = typer.Option(False, "--json")) -> None:
    """Every user: role, key id, who added them, whether disabled (never a key)."""
    from engine.identity.users import list_users
    from engine.store.db import ready_engine
    from flows.acting import acting_user

    acting_user("users.manage", "users list")
    rows = list_users(ready_engine())
    if json_output:
        typer.echo(json.dumps(rows))
        return
    for r in rows:
        state = f"disabled {r['disabled_at']}" if r["disabled"] else "enabled"
        typer.echo(f"{r['user']:<24} {r['role']:<15} key {r['key_id']}  {state}  added by {r['created_by']}")


@users_app.command("disable")
def disable(name: str = typer.Argument(...)) -> None:
    """Disable a user: their key stops working at once; the name is never reused."""
    from engine.identity.users import disable as store
    from engine.store.db import ready_engine
    from flows.acting import acting_user

    admin = acting_user("users.manage", "users disable")
    store(ready_engine(), name, admin.name)
    typer.echo(f"user {name} disabled")


@users_app.command("rotate-key")
def rotate_key(name: str = typer.Argument(...), json_output: bool = typer.Option(False, "--json")) -> None:
    """Give a user a new API key (printed once); the old one stops working at once."""
    from engine.identity.users import rotate_key as store
    from engine.store.db import ready_engine
    from flows.acting import acting_user

    admin = acting_user("users.manage", "users rotate-key")
    show_key(store(ready_engine(), name, admin.name), json_output)
