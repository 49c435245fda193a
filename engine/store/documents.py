"""Side documents (targets files, rosters) in the playbook version storage.

A side document is a YAML file with its own `kind:` that is versioned exactly like a playbook:
an immutable `playbook_versions` row (its bytes, its sha256), approved by a second person in a
chained `playbook_approvals` row, audit-logged. What tells it apart without a schema change:
its `applies_to` is `{"kind": KIND, ...}` and its approvals are named `KIND:KEY` (a playbook
name cannot contain `:`), so each (kind, key) is one line of succession and the version in
force for a key is the one approved last. This module is that shared plumbing; the kinds'
own modules (`engine.store.targets`, `engine.store.roster`) say what their key is.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, select

from engine.contracts.errors import InputError
from engine.store.clock import now_iso
from engine.store.models import PlaybookApproval, PlaybookVersion

L = TypeVar("L")


def approval_name(kind: str, key: str) -> str:
    """The approval `name` of one line of succession: `targets:2026-12`, `roster:default`."""
    return f"{kind}:{key}"


def kind_of(row: Any) -> str | None:
    """The side-document kind of a stored version, or None for a playbook."""
    return json.loads(row.applies_to).get("kind")


def is_side_approval(name: str) -> bool:
    return ":" in name


def store_version(
    engine: Engine, loaded: Any, path: str | Path, author: str, applies_to: dict[str, Any], event: str
) -> tuple[dict[str, Any], bool]:
    """Store a validated side document as a pending version; (identity, newly stored).

    `loaded` has `sha256`, `content` and `identity` (name, version, sha256)."""
    from engine.store.audit_log import log_event
    from engine.store.chain import ChainWriter

    with engine.begin() as conn:
        stored = conn.execute(select(PlaybookVersion.id).where(PlaybookVersion.sha256 == loaded.sha256)).first()
        if stored is not None:
            return loaded.identity, False
        row = {
            "sha256": loaded.sha256,
            "name": loaded.identity["name"],
            "version": loaded.identity["version"],
            "source_path": str(path),
            "content": loaded.content,
            "templates_dir": "",
            "templates": "{}",
            "applies_to": json.dumps(applies_to, sort_keys=True),
            "author": author,
            "created_at": now_iso(),
        }
        writer = ChainWriter(conn, ["playbook_versions", "audit_log"])
        writer.append("playbook_versions", [row])
        scope = {k: v for k, v in applies_to.items() if k != "kind"}
        log_event(writer, author, event, loaded.sha256, {**loaded.identity, **scope})
        writer.close()
    return loaded.identity, True


def in_force(conn: Connection, kind: str) -> dict[str, Any]:
    """key → the version of `kind` approved last under `kind:key`."""
    latest: dict[str, str] = {}
    rows = conn.execute(select(PlaybookApproval.name, PlaybookApproval.sha256).order_by(PlaybookApproval.chain_seq))
    for name, sha in rows:
        if name.startswith(f"{kind}:"):
            latest[name.removeprefix(f"{kind}:")] = sha
    query = select(PlaybookVersion).where(PlaybookVersion.sha256.in_(latest.values()))
    found = {r.sha256: r for r in conn.execute(query)}
    return {key: found[sha] for key, sha in latest.items() if sha in found}


def load_stored(row: Any, loader: Callable[[Path], L], filename: str) -> L:
    """Re-validate a stored version from its own bytes and check it still hashes to its sha256."""
    with tempfile.TemporaryDirectory(prefix=f"arrears-{filename}-") as tmp:
        path = Path(tmp) / f"{filename}.yaml"
        path.write_bytes(row.content.encode("utf-8"))
        loaded = loader(path)
    if loaded.sha256 != row.sha256:  # type: ignore[attr-defined]
        raise RuntimeError(f"stored {filename} {row.name} {row.sha256[:12]} no longer hashes to its sha256")
    return loaded


def none_approved(option: str, what: str, path_hint: str) -> InputError:
    return InputError.at(
        option,
        1,
        1,
        f"no approved {what}: `arrears playbook activate {path_hint} --by A`, "
        "then `arrears playbook approve SHA --by B`",
    )
