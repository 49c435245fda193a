"""Entry point of the `arrears` console script.

User errors (`InputError`) become `FILE:LINE:COL: message` lines on stderr and exit code 2;
nothing else about them is printed. Usage errors print the usage and one `Error:` line, exit 2.
A command without a usable API key, or whose user's role may not run it, prints one line and
exits 3 (`engine.identity`), before anything is changed. A compliance pack that cannot be
loaded stops the command with one line, exit 2 (fail closed).
Unexpected exceptions keep their traceback: those are our bugs, not the user's.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import typer

from engine.compliance.adapter import ComplianceUnavailable
from engine.contracts.errors import InputError
from engine.identity.roles import IdentityError
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
    "flows.commands.playbook_diff",
    "flows.commands.playbook_test",
    "flows.commands.run",
    "flows.commands.audit",
    "flows.commands.serve",
    "flows.commands.emergency",
    "flows.commands.kpi",
    "flows.commands.targets",
    "flows.commands.worklist",
    "flows.commands.simulate",
    "flows.commands.users",
    "flows.commands.models",
    "flows.commands.api",
)


def _click_exceptions() -> ModuleType:
    """The click exceptions module typer really raises from.

    typer >= 0.26 bundles its own copy of click (`typer._click`), whose exceptions are not
    `click.ClickException`; older typers use click itself. `typer.BadParameter` is public in
    both and lives in that module, so ask it rather than guessing.
    """
    return importlib.import_module(typer.BadParameter.__module__)


def main(argv: list[str] | None = None) -> int:
    quiet_prefect()
    from flows.app import app

    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    click_exceptions = _click_exceptions()
    try:
        # With standalone_mode=False, click returns a command's exit code instead of exiting.
        rc = app(args=argv, standalone_mode=False)
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except IdentityError as exc:  # no usable key, or a role without the right: nothing was changed
        print(f"arrears: {exc}", file=sys.stderr)
        return 3
    except ComplianceUnavailable as exc:  # fail closed: nothing decided, checked or written
        print(f"arrears: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    except click_exceptions.ClickException as exc:  # usage errors (exit 2) and file errors
        if exc.format_message().strip():  # a group run without a command has printed its help already
            exc.show()
        return exc.exit_code
    except typer.Exit as exc:  # typer.Exit is click's Exit in every typer version
        return exc.exit_code
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        return 1
    return rc if isinstance(rc, int) else 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
