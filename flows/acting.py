"""Who runs this command: the user of `ARREARS_API_KEY`, allowed by their role, or exit 3.

Every command that changes the record calls `acting_user(permission, doing, by)` first,
before it reads any input, so a refused command changes nothing. `--by`, where a command
still accepts it, is an assertion: it must name the key's user (else exit 3), never a way to
act as someone else.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine

from engine.identity.roles import IdentityError, User, require


def acting_user(permission: str, doing: str, by: str | Iterable[str] | None = None) -> User:
    """The authenticated user allowed `permission` (`doing` words the refusal), else `IdentityError`."""
    from engine.store.db import ready_engine

    return acting_user_of(ready_engine(), permission, doing, by)


def acting_user_of(engine: Engine, permission: str, doing: str, by: str | Iterable[str] | None = None) -> User:
    """`acting_user` on a given engine (`db upgrade` asks before the schema is up to date)."""
    from engine.identity.users import authenticate
    from engine.settings import get_settings

    secret = get_settings().api_key
    if secret is None:
        raise IdentityError(f"{doing} changes the record: set ARREARS_API_KEY to your key (`arrears users add`)")
    user = require(authenticate(engine, secret.get_secret_value()), permission, doing)
    check_by(user, by)
    return user


def check_by(user: User, by: str | Iterable[str] | None) -> None:
    """`--by` must name the key's user; several names are refused (each person uses their own key)."""
    names = [by] if isinstance(by, str) else list(by or [])
    others = sorted({n for n in names if n.strip().casefold() != user.name})
    if others:
        raise IdentityError(
            f"--by {', '.join(others)} is not you: this key is user {user.name}; a second person confirms "
            "with their own key (e.g. `arrears emergency confirm-stand-down ID`)"
        )
