"""The compliance risk report: markdown and HTML from one `AuditResult`.

Both formats carry the same tables — violations by rule (with citations), by
collector/agency (`by`), by day — and the findings themselves. Contact addresses and any
phone number or e-mail address inside a reason are masked (`engine.report.masking`): the report
is meant to leave the building. Files are written to a temporary name and renamed, so a
failed run never leaves half a report behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, StrictUndefined, select_autoescape

from engine.compliance.audit import AuditResult
from engine.report.masking import mask_contact, mask_text

MD_NAME = "compliance-audit.md"
HTML_NAME = "compliance-audit.html"


def _rows(result: AuditResult) -> list[dict[str, str]]:
    return [
        {
            "at": f.at.isoformat(),
            "account_id": f.account_id,
            "channel": f.channel,
            "to": mask_contact(f.to) or "",
            "by": f.by or "(unknown)",
            "rule": f.rule,
            "reason": mask_text(f.reason) or "",
        }
        for f in sorted(result.findings, key=lambda f: (f.at, f.account_id, f.rule))
    ]


def _context(result: AuditResult) -> dict[str, object]:
    return {
        "r": result,
        "period": (
            f"{result.first.isoformat()} – {result.last.isoformat()}" if result.first and result.last else "—"
        ),
        "by_rule": result.by_rule(),
        "by_actor": result.by_actor(),
        "by_day": result.by_day(),
        "rows": _rows(result),
    }


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


MARKDOWN = """# Compliance audit report

- Accounts: {{ r.accounts }}
- Outbound contacts checked: {{ r.contacts_checked }}
- Violations found: {{ r.findings | length }}
- Period: {{ period }}

## Violations by rule

{% if by_rule %}| rule | citation | violations |
|---|---|---|
{% for rule, citation, n in by_rule %}| `{{ rule }}` | {{ citation | cell }} | {{ n }} |
{% endfor %}{% else %}None.
{% endif %}
## Violations by collector / agency

{% if by_actor %}| by | violations | rules |
|---|---|---|
{% for actor, n, rules in by_actor %}| {{ actor | cell }} | {{ n }} | {{ rules | join(", ") }} |
{% endfor %}{% else %}None.
{% endif %}
## Violations by day

{% if by_day %}| day | violations |
|---|---|
{% for day, n in by_day %}| {{ day }} | {{ n }} |
{% endfor %}{% else %}None.
{% endif %}
## Findings

{% if rows %}| at | account | channel | to | by | rule | reason |
|---|---|---|---|---|---|---|
{% for x in rows %}| {{ x.at }} | {{ x.account_id | cell }} | {{ x.channel }} | {{ x.to | cell }} | {{ x.by | cell }} \
| `{{ x.rule }}` | {{ x.reason | cell }} |
{% endfor %}{% else %}No violations.
{% endif %}"""

HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Compliance audit report</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#f3f3f3}</style></head>
<body><h1>Compliance audit report</h1>
<ul><li>Accounts: {{ r.accounts }}</li><li>Outbound contacts checked: {{ r.contacts_checked }}</li>
<li>Violations found: <strong>{{ r.findings | length }}</strong></li><li>Period: {{ period }}</li></ul>
<h2>Violations by rule</h2>
<table><tr><th>rule</th><th>citation</th><th>violations</th></tr>
{% for rule, citation, n in by_rule %}<tr><td><code>{{ rule }}</code></td><td>{{ citation }}</td><td>{{ n }}</td></tr>
{% endfor %}</table>
<h2>Violations by collector / agency</h2>
<table><tr><th>by</th><th>violations</th><th>rules</th></tr>
{% for actor, n, rules in by_actor %}<tr><td>{{ actor }}</td><td>{{ n }}</td><td>{{ rules | join(", ") }}</td></tr>
{% endfor %}</table>
<h2>Violations by day</h2>
<table><tr><th>day</th><th>violations</th></tr>
{% for day, n in by_day %}<tr><td>{{ day }}</td><td>{{ n }}</td></tr>
{% endfor %}</table>
<h2>Findings</h2>
<table><tr><th>at</th><th>account</th><th>channel</th><th>to</th><th>by</th><th>rule</th><th>reason</th></tr>
{% for x in rows %}<tr><td>{{ x.at }}</td><td>{{ x.account_id }}</td><td>{{ x.channel }}</td><td>{{ x.to }}</td>\
<td>{{ x.by }}</td><td><code>{{ x.rule }}</code></td><td>{{ x.reason }}</td></tr>
{% endfor %}</table>
</body></html>
"""


def _env(html: bool) -> Environment:
    env = Environment(
        autoescape=select_autoescape(default=html, default_for_string=html),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _cell
    return env


def render_markdown(result: AuditResult) -> str:
    return _env(False).from_string(MARKDOWN).render(**_context(result))


def render_html(result: AuditResult) -> str:
    return _env(True).from_string(HTML).render(**_context(result))


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_reports(result: AuditResult, out_dir: str | Path) -> tuple[Path, Path]:
    """Write both reports into `out_dir` (created if needed); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md, html = out / MD_NAME, out / HTML_NAME
    _write_atomic(md, render_markdown(result))
    _write_atomic(html, render_html(result))
    return md, html
