"""Adding, listing, disabling and re-keying users; `authenticate` a key to its user.

Each change is one transaction: the `users` row and its audit line (`USER_ADDED`,
`USER_DISABLED`, `USER_KEY_ROTATED`, actor = the admin who did it), so the chained audit
log says who gave whom which role. The key itself is returned once and never stored or
logged; a rotated key stops working at the commit that replaces it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, func, insert, inspect, select, update

from engine.contracts.errors import InputError
from engine.identity.keys import matches, new_key, split
from engine.identity.roles import ROLES, IdentityError, User
from engine.identity.tables import UserRow
from engine.store.audit_log import log_event
from engine.store.chain import ChainWriter
from engine.store.clock import now_iso

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
FIRST_ADMIN = "db-upgrade"  # the actor recorded for the first admin, who has nobody to add them


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise InputError.at("NAME", 0, 0, f"user name must match [a-z0-9][a-z0-9._-]* (≤ 64), got {name!r}")
    return name


def _role(role: str) -> str:
    if role not in ROLES:
        raise InputError.at("--role", 0, 0, f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return role


def user_count(engine: Engine) -> int:
    """How many users exist (0 also when the table does not exist yet)."""
    if not inspect(engine).has_table(UserRow.__tablename__):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(UserRow.__table__)).scalar_one())


def add_user(engine: Engine, name: str, role: str, actor: str) -> dict[str, str]:
    """Create a user; returns `{"user", "role", "api_key"}` (the only time the key is seen)."""
    name, role = check_name(name), _role(role)
    t = UserRow.__table__
    key_id, key, key_hash = new_key()
    with engine.begin() as conn:
        writer = ChainWriter(conn, ["audit_log"])
        if conn.execute(select(t.c.name).where(t.c.name == name)).first():
            raise InputError.at("NAME", 0, 0, f"user {name} exists already (names are never reused)")
        row = {"name": name, "role": role, "key_id": key_id, "key_hash": key_hash}
        conn.execute(insert(t), [{**row, "created_at": now_iso(), "created_by": actor, "disabled_at": None}])
        log_event(writer, actor, "USER_ADDED", name, {"role": role, "key_id": key_id})
        writer.close()
    return {"user": name, "role": role, "api_key": key}


def add_first_admin(engine: Engine, name: str) -> dict[str, str]:
    """The first admin, made by `arrears db upgrade --admin NAME`; refused once any user exists."""
    if user_count(engine):
        raise IdentityError("users exist already: an admin adds more with `arrears users add NAME --role admin`")
    return add_user(engine, name, "admin", FIRST_ADMIN)


def list_users(engine: Engine) -> list[dict[str, Any]]:
    t = UserRow.__table__
    cols = (t.c.name, t.c.role, t.c.key_id, t.c.created_at, t.c.created_by, t.c.disabled_at)
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(t.c.name)).mappings().all()
    return [{"user": r["name"], **{k: r[k] for k in ("role", "key_id", "created_at", "created_by")},
             "disabled": r["disabled_at"] is not None, "disabled_at": r["disabled_at"]} for r in rows]


def _change(engine: Engine, name: str, actor: str, event: str, values: dict[str, Any]) -> None:
    t = UserRow.__table__
    with engine.begin() as conn:
        writer = ChainWriter(conn, ["audit_log"])
        row = conn.execute(select(t.c.disabled_at).where(t.c.name == name)).first()
        if row is None:
            raise InputError.at("NAME", 0, 0, f"unknown user {name!r} (see `arrears users list`)")
        if row.disabled_at is not None:
            raise InputError.at("NAME", 0, 0, f"user {name} is disabled (since {row.disabled_at})")
        conn.execute(update(t).where(t.c.name == name).values(**values))
        log_event(writer, actor, event, name, {k: v for k, v in values.items() if k != "key_hash"})
        writer.close()


def disable(engine: Engine, name: str, actor: str) -> None:
    """Disable a user: their key stops working; the name stays taken."""
    _change(engine, name, actor, "USER_DISABLED", {"disabled_at": now_iso()})


def rotate_key(engine: Engine, name: str, actor: str) -> dict[str, str]:
    """A new key for `name` (returned once); the old one stops working at this commit."""
    key_id, key, key_hash = new_key()
    _change(engine, name, actor, "USER_KEY_ROTATED", {"key_id": key_id, "key_hash": key_hash})
    with engine.connect() as conn:
        role = conn.execute(select(UserRow.role).where(UserRow.name == name)).scalar_one()
    return {"user": name, "role": role, "api_key": key}


def authenticate(engine: Engine, key: str | None) -> User:
    """The enabled user whose key this is, else `IdentityError` (which never says which part
    was wrong beyond "unknown or revoked", so a probe learns nothing)."""
    parts = split(key or "")
    if parts is None:
        raise IdentityError("ARREARS_API_KEY is not an Arrears API key (arr_…)")
    key_id, secret = parts
    t = UserRow.__table__
    if not inspect(engine).has_table(t.name):
        raise IdentityError("this database has no users yet: `arrears db upgrade --admin NAME` makes the first admin")
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.key_id == key_id)).mappings().first()
    if row is None or not matches(secret, row["key_hash"]):
        raise IdentityError("ARREARS_API_KEY is unknown or was rotated")
    if row["disabled_at"] is not None:
        raise IdentityError(f"user {row['name']} is disabled")
    return User(row["name"], row["role"])


def record_act(engine: Engine, user: User, event: str, subject: str | None, details: dict[str, Any]) -> None:
    """One audit line saying `user` did `event` (an import, a requested run) — for acts whose own
    writer records no actor. Its own transaction, right after the act's."""
    with engine.begin() as conn:
        writer = ChainWriter(conn, ["audit_log"])
        log_event(writer, user.name, event, subject, {**details, "role": user.role})
        writer.close()
