"""The one way a report is rendered: a Jinja2 template from `engine/report/templates/`.

Reports leave the building, so they are rendered like messages are (`engine.playbook.templates`):
in Jinja's sandbox (a template reaches only the data it is given), with `StrictUndefined`
(a misspelt field is an error, never a blank cell) and, for HTML, autoescaping (a debtor's
text cannot inject markup into an auditor's page). The templates are files next to this
module, so a reviewer reads the page's shape in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES = Path(__file__).resolve().parent / "templates"


def report_environment(*, html: bool, filters: Mapping[str, Callable[..., Any]] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment over the report templates; autoescaped when `html`."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(filters or {})
    return env


def render_report(
    name: str, context: Mapping[str, Any], *, filters: Mapping[str, Callable[..., Any]] | None = None
) -> str:
    """Render template `name` (HTML, autoescaped, when it ends in `.html.j2`)."""
    env = report_environment(html=name.endswith(".html.j2"), filters=filters)
    return env.get_template(name).render(**context)
