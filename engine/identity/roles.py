"""Roles and what each may change: the permission table as data, and `require`.

Separation of duties: no role may do everything. `admin` manages users and the schema but
neither activates nor approves strategies nor runs the day; an `auditor` changes nothing
(every read-only command needs no key). docs/contracts.md prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "strategy_owner", "approver", "ops", "auditor", "dialer")

# permission → the roles that hold it (first = the one an error message names first)
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "users.manage": ("admin",),
    "db.upgrade": ("admin",),
    "playbook.activate": ("strategy_owner",),
    "playbook.approve": ("approver", "strategy_owner"),  # never their own version (maker-checker)
    "import.accounts": ("ops",),
    "import.history": ("ops", "dialer"),
    "import.payments": ("ops", "dialer"),
    "import.promises": ("ops", "dialer"),
    "run.daily": ("ops",),
    "serve": ("ops",),
    "emergency.declare": ("ops",),
    "emergency.stand_down": ("ops",),
    "emergency.acknowledge": ("ops", "admin", "strategy_owner", "approver"),
}


class IdentityError(Exception):
    """No usable identity, or not allowed: the CLI prints the message and exits 3."""


class Forbidden(IdentityError):
    """The user's role does not hold the permission."""


@dataclass(frozen=True)
class User:
    name: str
    role: str


def roles_for(permission: str) -> tuple[str, ...]:
    return PERMISSIONS[permission]


def require(user: User, permission: str, doing: str | None = None) -> User:
    """`user` if their role holds `permission`, else `Forbidden` naming the role it needs."""
    allowed = roles_for(permission)
    if user.role not in allowed:
        needs = " or ".join(allowed)
        raise Forbidden(
            f"user {user.name} (role {user.role}) may not {doing or permission}: it needs role {needs}"
        )
    return user
