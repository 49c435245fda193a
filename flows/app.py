"""The `arrears` Typer application and its command groups.

Command modules in `flows/commands/` import these objects and attach their commands;
`flows.cli` imports every command module and runs the app. Keeping the objects here (and
not in `cli.py`) lets a command module be imported without pulling in all the others.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="arrears",
    help="Debt collection run from declarative, versioned, compliant playbooks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
audit_app = typer.Typer(help="Read-only views for auditors.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _show_version(value: bool) -> None:
    """`--version`: the installed distribution's version, so a bug report names what ran."""
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"arrears {version('arrears')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("arrears (not installed: version unknown)")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_show_version, help="print the version and exit"
    ),
) -> None:
    pass
