"""The compliance risk report: markdown and HTML from one `AuditResult`.

Both formats carry the same tables — violations by rule (with citations), by
collector/agency (`by`), by day — and the findings themselves. Contact addresses, and
anything the audited account holds (names, numbers, e-mails, IDs) or any phone number or
e-mail address inside a reason, are masked (`engine.report.masking`): the report is meant
to leave the building. The templates are `engine/report/templates/compliance-audit.*.j2`,
rendered the one way reports are (`engine.report.templating`). Files are written to a temporary name and renamed, so a
failed run never leaves half a report behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine.compliance.audit import AuditResult
from engine.report.masking import Personal, mask_contact
from engine.report.templating import render_report

MD_NAME = "compliance-audit.md"
HTML_NAME = "compliance-audit.html"
MD_TEMPLATE = "compliance-audit.md.j2"
HTML_TEMPLATE = "compliance-audit.html.j2"


def _rows(result: AuditResult) -> list[dict[str, str]]:
    return [
        {
            "at": f.at.isoformat(),
            "account_id": f.account_id,
            "channel": f.channel,
            "to": mask_contact(f.to) or "",
            "by": f.by or "(unknown)",
            "rule": f.rule,
            "reason": result.personal.get(f.account_id, Personal()).mask(f.reason) or "",
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


def render_markdown(result: AuditResult) -> str:
    return render_report(MD_TEMPLATE, _context(result), filters={"cell": _cell})


def render_html(result: AuditResult) -> str:
    return render_report(HTML_TEMPLATE, _context(result))


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
