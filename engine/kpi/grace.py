"""Each account's promise grace days in the KPIs: the deciding playbook version's, as decisions use.

A decision keeps promises with `promises: {grace_days}` of the playbook version that decides
the account (`engine.contracts.promises`). The KPIs take the same number for an account from
the decision that puts it in its KPI group (the snapshot row's `decision_id`, whose
`decisions.playbook_sha256` names the version). The stored versions hold their YAML, so the
few numbers are read in Python once per version (a version is immutable: cached by sha256)
and joined as a CASE over the sha256 — set-based, no loop over accounts.

A version the record does not hold (decisions written by tools or tests, never by a daily
run) counts the playbook language's default, 0 grace days. `override` (the documented
`arrears kpi --grace-days N`) gives every account the same N instead: a what-if.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Integer, Subquery, case, literal, select

from engine.playbook.model import Promises
from engine.playbook.yaml_source import load_yaml
from engine.store.documents import kind_of
from engine.store.models import DecisionRow, PlaybookVersion, Promise

_GRACE: dict[str, int] = {}  # sha256 → grace days (a stored version never changes)


def grace_of(row: Any) -> int:
    """`promises.grace_days` of a stored playbook version (its YAML as stored, the model's default)."""
    cached = _GRACE.get(row.sha256)
    if cached is None:
        doc = load_yaml(row.content, f"playbook {row.name} {row.version} ({row.sha256[:12]})")
        section = doc.value.get("promises") if isinstance(doc.value, dict) else None
        cached = _GRACE[row.sha256] = Promises.model_validate(section or {}).grace_days
    return cached


def grace_by_sha(conn: Connection) -> dict[str, int]:
    """sha256 → grace days of every stored playbook version with a grace other than 0."""
    v = PlaybookVersion.__table__
    rows = conn.execute(select(v.c.sha256, v.c.name, v.c.version, v.c.content, v.c.applies_to))
    found = {r.sha256: grace_of(r) for r in rows if kind_of(r) is None}
    return {sha: days for sha, days in found.items() if days}


def account_graces(conn: Connection, scope: Subquery, override: int | None = None) -> Subquery:
    """(account_id, grace_days) of the accounts of `scope` (a subquery with account_id and
    decision_id) that have a promise: the grace of the scope decision's playbook version."""
    p = Promise.__table__
    with_promises = scope.c.account_id.in_(select(p.c.account_id))
    mapping = grace_by_sha(conn) if override is None else {}
    if not mapping:  # one number for all: the override, or 0 when no stored version has a grace
        return (
            select(scope.c.account_id, literal(override or 0, Integer).label("grace_days"))
            .where(with_promises)
            .subquery("graces")
        )
    d = DecisionRow.__table__
    grace = case(mapping, value=d.c.playbook_sha256, else_=literal(0, Integer))  # 0: a version not stored
    return (
        select(scope.c.account_id, grace.label("grace_days"))
        .select_from(scope.join(d, d.c.id == scope.c.decision_id))
        .where(with_promises)
        .subquery("graces")
    )
