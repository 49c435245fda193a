"""The docs name files that exist: a moved or renamed module must not leave ARCHITECTURE.md,
the README or `docs/` pointing at a path a newcomer cannot open.

A mention is any `engine/…`, `emergency/…` or `flows/…` path; it must be an existing file or
folder, or a module once `.py` is added (`engine/run/daily` names `engine/run/daily.py`).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "ARCHITECTURE.md", ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PATH = re.compile(r"(?<![\w./-])((?:engine|emergency|flows)/[\w/]*\w(?:\.py)?)")


def _exists(mention: str) -> bool:
    path = ROOT / mention
    return path.exists() or path.with_name(path.name + ".py").exists()


def stale_mentions(text: str) -> list[tuple[int, str]]:
    """(line, path) for every project path in `text` that does not exist."""
    return [
        (number, match.group(1))
        for number, line in enumerate(text.splitlines(), 1)
        for match in PATH.finditer(line)
        if not _exists(match.group(1))
    ]


def test_docs_mention_only_existing_paths() -> None:
    stale = [
        f"{doc.relative_to(ROOT)}:{line}: {path}"
        for doc in DOCS
        if doc.exists()
        for line, path in stale_mentions(doc.read_text())
    ]
    assert stale == [], "docs mention paths that do not exist:\n" + "\n".join(stale)


def test_a_stale_path_is_reported() -> None:
    text = "see `engine/store/daily.py` and engine/emergency_dispatch, not engine/run/daily.py\n"
    assert stale_mentions(text) == [(1, "engine/store/daily.py"), (1, "engine/emergency_dispatch")]
