"""Who calls: `Authorization: Bearer KEY` → the user (`engine.identity.authenticate`), and the
per-key rate limit of `/v1/check`.

Argon2id costs ~50 ms by design, too slow for every `/v1/check`. A verified key is cached
(by the SHA-256 of the whole key, never the key itself) for `TTL` seconds; every request,
cached or not, still reads that key id's user row (one indexed read): a rotated key (its id
is gone) or a disabled user is refused at the next request after the commit, so revocation is
never delayed by the cache. The TTL only bounds how long a verified secret is trusted
without re-hashing.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, select

from engine.identity.keys import split
from engine.identity.roles import ROLES, IdentityError, User, require
from engine.identity.tables import UserRow

TTL = 60.0
bearer = HTTPBearer(auto_error=False, description="an Arrears API key, `arr_<key id>_<secret>`")


@dataclass(frozen=True)
class Caller:
    user: User
    key_id: str


class KeyCache:
    """Verified keys: sha256(key) → (user, key id, verified at)."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl, self._lock = ttl, threading.Lock()
        self._seen: dict[str, tuple[User, str, float]] = {}

    def caller(self, engine: Engine, key: str) -> Caller:
        from engine.identity.users import authenticate

        parts = split(key)
        if parts is None:
            raise IdentityError("the Bearer key is not an Arrears API key (arr_…)")
        digest, now = hashlib.sha256(key.encode()).hexdigest(), time.monotonic()
        with self._lock:
            hit = self._seen.get(digest)
        if hit is not None and now - hit[2] < self.ttl:
            user = _current(engine, hit[1], hit[0])
            return Caller(user, hit[1])
        user = authenticate(engine, key)  # the slow, constant-time verification
        with self._lock:
            self._seen[digest] = (user, parts[0], now)
        return Caller(user, parts[0])

    def forget(self) -> None:
        with self._lock:
            self._seen.clear()


def _current(engine: Engine, key_id: str, cached: User) -> User:
    """The cached user, if their row still holds this key id and is enabled (else 401)."""
    t = UserRow.__table__
    with engine.connect() as conn:
        row = conn.execute(select(t.c.name, t.c.role, t.c.disabled_at).where(t.c.key_id == key_id)).first()
    if row is None or row.name != cached.name:
        raise IdentityError("the Bearer key is unknown or was rotated")
    if row.disabled_at is not None:
        raise IdentityError(f"user {row.name} is disabled")
    return User(row.name, row.role)


class RateLimit:
    """A token bucket per key id: `rate` per second, up to `burst` at once (per process)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst, self._lock = rate, burst, threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def retry_after(self, key_id: str) -> float:
        """0 when a request may go now (a token is taken), else the seconds until one may."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1.0 - tokens) / self.rate


def authenticated(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
    if creds is None or creds.scheme.lower() != "bearer":
        raise IdentityError("send `Authorization: Bearer KEY` (a key from `arrears users add`)")
    state = request.app.state
    caller: Caller = state.keys.caller(state.engine, creds.credentials)
    request.state.user = caller.user.name  # for the access log
    return caller


def allowed(permission: str | None, doing: str, roles: tuple[str, ...] = ROLES) -> Callable[..., Caller]:
    """A dependency: the caller, if their role holds `permission` (the CLI's) or is in `roles`."""

    async def dependency(caller: Caller = Depends(authenticated)) -> Caller:  # async: no thread hop
        if permission is not None:
            require(caller.user, permission, doing)
        elif caller.user.role not in roles:
            from engine.identity.roles import Forbidden

            needs = " or ".join(roles)
            raise Forbidden(f"user {caller.user.name} (role {caller.user.role}) may not {doing}: it needs role {needs}")
        return caller

    return dependency
