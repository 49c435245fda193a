"""`arrears db upgrade [--admin NAME]`: create or migrate the schema; make the first admin.

On a database without users (a new one, or one from before users existed) anyone may upgrade,
and `--admin NAME` creates the first admin and prints their key once. Once users exist,
upgrading is an admin's act (ARREARS_API_KEY, exit 3 otherwise).
"""

from __future__ import annotations

import json

import typer

from flows.app import app

db_app = typer.Typer(help="The system of record's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(
    admin: str | None = typer.Option(None, "--admin", help="create the first admin (only on a database without users)"),
    json_output: bool = typer.Option(False, "--json", help="print {url, before, after} (+ user, role, api_key)"),
) -> None:
    """Create the schema in a new database, or migrate an existing one to this version."""
    from sqlalchemy.engine import make_url

    from engine.identity.roles import IdentityError
    from engine.identity.users import add_first_admin, check_name, user_count
    from engine.settings import database_url
    from engine.store.db import get_engine
    from engine.store.db import upgrade as run_upgrade
    from flows.acting import acting_user_of

    if admin is not None:
        check_name(admin)
    engine = get_engine()
    if user_count(engine):
        if admin is not None:
            raise IdentityError("users exist already: an admin adds more with `arrears users add NAME --role admin`")
        acting_user_of(engine, "db.upgrade", "db upgrade")
    before, after = run_upgrade()
    url = make_url(database_url()).render_as_string(hide_password=True)
    first = add_first_admin(engine, admin) if admin is not None else None
    if json_output:
        typer.echo(json.dumps({"url": url, "before": before, "after": after, **(first or {})}))
        return
    typer.echo(f"{url}: schema {before or 'empty'} → {after}")
    if first:
        from flows.commands.users import show_key

        show_key(first, False)
