"""Playbook versions in the record: activate (maker), approve (checker), list, load to run.

A version is the playbook's exact YAML bytes plus every template it uses, identified by the
same sha256 `arrears validate` prints; it is immutable once stored. Approval is a separate
chained row, so "who approved what, when" is evidence, not a mutable column. The version a
daily run uses for a playbook name is the one approved last. Scopes (`applies_to`) of the
playbooks in force must not overlap, or an account could be worked by two strategies.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from engine.contracts.errors import InputError
from engine.playbook.loader import LoadedPlaybook, load_playbook
from engine.playbook.roster import declares_roster
from engine.playbook.targets import declares_targets
from engine.store import documents, roster, targets
from engine.store.audit_log import log_event
from engine.store.chain import ChainWriter
from engine.store.clock import now_iso
from engine.store.models import PlaybookApproval, PlaybookVersion

_CACHE: dict[str, LoadedPlaybook] = {}


def _orm(conn: Connection) -> Session:
    """An ORM session on the caller's connection and transaction, for reading model objects."""
    return Session(bind=conn)


def _scope(applies_to: dict[str, Any]) -> tuple[set[str], set[str] | None]:
    products = applies_to.get("products")
    return set(applies_to["jurisdictions"]), (set(products) if products is not None else None)


def overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two `applies_to` scopes share an account when jurisdictions and products both meet."""
    (ja, pa), (jb, pb) = _scope(a), _scope(b)
    return bool(ja & jb) and (pa is None or pb is None or bool(pa & pb))


def version_dict(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "version": row.version,
        "sha256": row.sha256,
        "author": row.author,
        "created_at": row.created_at,
        "applies_to": json.loads(row.applies_to),
    }


def in_force(conn: Connection) -> dict[str, Any]:
    """name → the PlaybookVersion row approved last for that name."""
    approvals = _orm(conn).scalars(select(PlaybookApproval).order_by(PlaybookApproval.chain_seq)).all()
    latest: dict[str, str] = {}
    for a in approvals:
        if not documents.is_side_approval(a.name):  # targets, rosters: engine.store.documents
            latest[a.name] = a.sha256
    rows = _orm(conn).scalars(select(PlaybookVersion).where(PlaybookVersion.sha256.in_(latest.values())))
    return {r.name: r for r in rows}


def _check_overlap(conn: Connection, name: str, applies_to: dict[str, Any], option: str) -> None:
    for other_name, other in in_force(conn).items():
        if other_name != name and overlaps(applies_to, json.loads(other.applies_to)):
            raise InputError.at(
                option,
                1,
                1,
                f"scope of {name} {applies_to} overlaps approved playbook {other_name} "
                f"{other.version} ({other.sha256[:12]}) {json.loads(other.applies_to)}: "
                "narrow applies_to so every account has exactly one playbook",
            )


def activate(engine: Engine, path: str | Path, author: str) -> tuple[dict[str, Any], bool]:
    """Store a validated playbook (or targets file, roster) as a pending version; (identity, newly stored)."""
    if declares_targets(path):
        return targets.activate(engine, path, author)
    if declares_roster(path):
        return roster.activate(engine, path, author)
    loaded = load_playbook(path)
    pb = loaded.playbook
    applies_to = pb.applies_to.model_dump(mode="json")
    with engine.begin() as conn:
        existing = _orm(conn).scalar(select(PlaybookVersion).where(PlaybookVersion.sha256 == loaded.sha256))
        if existing is not None:
            return loaded.identity, False
        _check_overlap(conn, pb.name, applies_to, str(path))
        writer = ChainWriter(conn, ["playbook_versions", "audit_log"])
        writer.append(
            "playbook_versions",
            [
                {
                    "sha256": loaded.sha256,
                    "name": pb.name,
                    "version": pb.revision,
                    "source_path": str(path),
                    "content": Path(path).read_bytes().decode("utf-8"),
                    "templates_dir": pb.templates_dir,
                    "templates": json.dumps(loaded.templates.sources, sort_keys=True, ensure_ascii=False),
                    "applies_to": json.dumps(applies_to, sort_keys=True),
                    "author": author,
                    "created_at": now_iso(),
                }
            ],
        )
        log_event(writer, author, "PLAYBOOK_ACTIVATED", loaded.sha256, loaded.identity)
        writer.close()
    return loaded.identity, True


def resolve(conn: Connection, ref: str) -> Any:
    """The version whose sha256 is `ref` or starts with it (unique prefix)."""
    ref = ref.strip().lower()
    if len(ref) < 4:
        raise InputError.at("SHA256", 1, 1, f"{ref!r}: give at least 4 characters of the sha256")
    rows = _orm(conn).scalars(select(PlaybookVersion).where(PlaybookVersion.sha256.startswith(ref))).all()
    if not rows:
        raise InputError.at("SHA256", 1, 1, f"no stored playbook version has sha256 {ref}…")
    if len(rows) > 1:
        raise InputError.at("SHA256", 1, 1, f"{ref}… is ambiguous: " + ", ".join(r.sha256[:16] for r in rows))
    return rows[0]


def approve(engine: Engine, ref: str, approver: str) -> dict[str, Any]:
    """Record the checker's approval; the version becomes the one its name runs with."""
    with engine.begin() as conn:
        version = resolve(conn, ref)
        if approver.strip().lower() == version.author.strip().lower():
            raise InputError.at(
                "--by",
                1,
                1,
                f"maker-checker: {approver} activated {version.name} {version.version} ({version.sha256[:12]}) "
                "and cannot also approve it; another person must approve",
            )
        kind = documents.kind_of(version) or "playbook"
        if kind == "targets":
            month = json.loads(version.applies_to)["month"]
            name, current = targets.approval_name(month), targets.in_force(conn).get(month)
        elif kind == "roster":
            name, current = roster.approval_name(), roster.in_force(conn)
        else:
            name, current = version.name, in_force(conn).get(version.name)
        if current is not None and current.sha256 == version.sha256:
            return {**version_dict(version), "state": "approved", "changed": False}
        if kind == "playbook":
            _check_overlap(conn, version.name, json.loads(version.applies_to), "--by")
        writer = ChainWriter(conn, ["playbook_approvals", "audit_log"])
        writer.append(
            "playbook_approvals",
            [
                {
                    "sha256": version.sha256,
                    "name": name,
                    "approver": approver,
                    "approved_at": now_iso(),
                    "supersedes": current.sha256 if current is not None else None,
                }
            ],
        )
        log_event(
            writer,
            approver,
            f"{kind.upper()}_APPROVED",
            version.sha256,
            {"name": version.name, "version": version.version, "supersedes": current.sha256 if current else None},
        )
        writer.close()
        return {**version_dict(version), "state": "approved", "changed": True}


def list_versions(engine: Engine) -> list[dict[str, Any]]:
    """Every stored version with its state: approved (in force), superseded, or pending."""
    with engine.connect() as conn:
        rosters = [r for r in [roster.in_force(conn)] if r is not None]
        force = {r.sha256 for r in (*in_force(conn).values(), *targets.in_force(conn).values(), *rosters)}
        approvals: dict[str, list[dict[str, str]]] = {}
        for a in _orm(conn).scalars(select(PlaybookApproval).order_by(PlaybookApproval.chain_seq)):
            approvals.setdefault(a.sha256, []).append({"approver": a.approver, "approved_at": a.approved_at})
        out = []
        for v in _orm(conn).scalars(select(PlaybookVersion).order_by(PlaybookVersion.chain_seq)):
            state = "approved" if v.sha256 in force else ("superseded" if v.sha256 in approvals else "pending")
            out.append({**version_dict(v), "state": state, "approvals": approvals.get(v.sha256, [])})
    return out


def show(engine: Engine, ref: str) -> dict[str, Any]:
    with engine.connect() as conn:
        v = resolve(conn, ref)
    item = next(i for i in list_versions(engine) if i["sha256"] == v.sha256)
    return {**item, "content": v.content, "templates": json.loads(v.templates)}


def materialize(row: Any) -> LoadedPlaybook:
    """Load a stored version exactly as stored (its own bytes and templates), checking its sha256."""
    cached = _CACHE.get(row.sha256)
    if cached is not None:
        return cached
    with tempfile.TemporaryDirectory(prefix="arrears-playbook-") as tmp:
        path = Path(tmp) / "playbook.yaml"
        path.write_bytes(row.content.encode("utf-8"))
        tdir = Path(tmp) / row.templates_dir
        for name, body in json.loads(row.templates).items():
            target = tdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body.encode("utf-8"))
        loaded = load_playbook(path)
    if loaded.sha256 != row.sha256:
        raise RuntimeError(f"stored playbook {row.name} {row.sha256[:12]} no longer hashes to its sha256")
    _CACHE[row.sha256] = loaded
    return loaded


def loaded_in_force(engine: Engine, name: str | None = None) -> list[LoadedPlaybook]:
    """The approved version of every playbook (or of `name`), loaded from the record."""
    with engine.connect() as conn:
        force = in_force(conn)
    if name is not None:
        if name not in force:
            known = ", ".join(sorted(force)) or "none"
            raise InputError.at("--playbook", 1, 1, f"no approved version of playbook {name!r} (approved: {known})")
        force = {name: force[name]}
    if not force:
        raise InputError.at(
            "--playbook", 1, 1, "no approved playbook: `arrears playbook activate P --by A`, then `approve SHA --by B`"
        )
    return [materialize(force[n]) for n in sorted(force)]


def loaded_by_sha(engine: Engine, shas: list[str]) -> list[LoadedPlaybook]:
    """Exactly these stored versions (a run keeps the versions it started with)."""
    with engine.connect() as conn:
        found = _orm(conn).scalars(select(PlaybookVersion).where(PlaybookVersion.sha256.in_(shas)))
        rows = {r.sha256: r for r in found}
    return [materialize(rows[s]) for s in shas]
