"""The demo's users, one per role, and the file that holds their keys.

`arrears demo` makes a fresh database, so nobody exists to add users: it adds them itself
(actor `demo`) and writes their keys to `<home>/demo-keys.json`, readable by the owner only
(mode 0600, created so from the start: never world-readable for an instant). The keys are
printed nowhere; the demo says where the file is. Kept apart from `flows/commands/demo.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# name → role; the strategist and the risk officer are the demo's maker and checker
DEMO_USERS = {
    "demo-admin": "admin",
    "demo-strategist": "strategy_owner",
    "demo-risk-officer": "approver",
    "demo-ops": "ops",
    "demo-auditor": "auditor",
    "demo-dialer": "dialer",
}
KEYS_FILE = "demo-keys.json"


def create_demo_users(engine: Any, home: Path) -> Path:
    """Add the demo users; write `{name: {"role", "api_key"}}` to a 0600 file; return its path."""
    from engine.identity.users import add_user

    keys = {}
    for name, role in DEMO_USERS.items():
        made = add_user(engine, name, role, "demo")
        keys[name] = {"role": role, "api_key": made["api_key"]}
    path = home / KEYS_FILE
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(keys, out, indent=2)
    return path


def keys_hint(path: Path) -> str:
    """What the demo prints about the users: where their keys are and how to use one."""
    return (
        f"Demo users, one per role ({', '.join(DEMO_USERS)}): their API keys are in {path} (mode 0600).\n"
        "Commands that change the record need one, e.g. "
        f"export ARREARS_API_KEY=$(python -c \"import json; print(json.load(open('{path}'))['demo-ops']['api_key'])\")"
    )
