"""`arrears db upgrade`: create or migrate the system of record's schema."""

from __future__ import annotations

import json

import typer

from flows.app import app

db_app = typer.Typer(help="The system of record's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(json_output: bool = typer.Option(False, "--json", help="print {url, before, after}")) -> None:
    """Create the schema in a new database, or migrate an existing one to this version."""
    from sqlalchemy.engine import make_url

    from engine.settings import database_url
    from engine.store.db import upgrade as run_upgrade

    before, after = run_upgrade()
    url = make_url(database_url()).render_as_string(hide_password=True)
    if json_output:
        typer.echo(json.dumps({"url": url, "before": before, "after": after}))
    else:
        typer.echo(f"{url}: schema {before or 'empty'} → {after}")
