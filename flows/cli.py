"""Entry point of the `arrears` console script.

User errors (`InputError`) become `FILE:LINE:COL: message` lines on stderr and exit code 2;
nothing else about them is printed. Unexpected exceptions keep their traceback: those are
our bugs, not the user's.
"""

from __future__ import annotations

import importlib
import sys

from engine.contracts.errors import InputError
from flows.prefect_settings import quiet_prefect

# Each module attaches its commands to flows.app when imported.
COMMAND_MODULES = (
    "flows.commands.validate",
    "flows.commands.decide",
    "flows.commands.demo",
    "flows.commands.check",
    "flows.commands.audit_compliance",
    "flows.commands.db",
    "flows.commands.imports",
    "flows.commands.playbook",
    "flows.commands.run",
    "flows.commands.audit",
    "flows.commands.serve",
    "flows.commands.emergency",
    "flows.commands.kpi",
)


def main(argv: list[str] | None = None) -> int:
    quiet_prefect()
    from flows.app import app

    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    try:
        # With standalone_mode=False, click returns a command's exit code instead of exiting.
        rc = app(args=argv, standalone_mode=False)
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # click's usage errors arrive here with standalone_mode=False
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Exit):
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            print("Aborted.", file=sys.stderr)
            return 1
        raise
    return rc if isinstance(rc, int) else 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
