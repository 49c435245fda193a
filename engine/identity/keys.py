"""API keys: `arr_<key id>_<secret>`, made with `secrets`, the secret hashed with Argon2id.

The key id (12 hex digits, stored in clear and unique) lets `authenticate` find the one row
to check, so a login costs one slow hash, never one per user. The secret (32 random bytes,
URL-safe) is never stored: only its Argon2id hash (argon2-cffi's defaults, RFC 9106's
low-memory profile), verified in constant time by the library.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PREFIX = "arr"
KEY = re.compile(r"^arr_(?P<key_id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{40,64})$")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def new_key() -> tuple[str, str, str]:
    """(key id, the whole key to hand to the user once, the hash of its secret to store)."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return key_id, f"{PREFIX}_{key_id}_{secret}", _hasher().hash(secret)


def split(key: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    match = KEY.match(key.strip()) if isinstance(key, str) else None
    return (match["key_id"], match["secret"]) if match else None


def matches(secret: str, stored_hash: str) -> bool:
    """Whether `secret` is the one `stored_hash` was made from."""
    try:
        return _hasher().verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
