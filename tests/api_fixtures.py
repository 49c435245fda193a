"""A test API over a fresh SQLite database, with one user per role (TestClient, in-process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

CN_ACCOUNT = {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "CN", "balance": "8000.00", "dpd": 20,
              "timezone": "Asia/Shanghai"}
DAY_CALL = {"channel": "call", "at": "2026-05-11T10:00:00+08:00", "recorded": True}
USERS = {"admin": "admin", "ops": "ops", "ops2": "ops", "dialer": "dialer", "auditor": "auditor"}


class Api:
    def __init__(self, client: TestClient, keys: dict[str, str], url: str) -> None:
        self.client, self.keys, self.url = client, keys, url

    def call(self, method: str, path: str, user: str | None = "ops", **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}))
        if user is not None:
            headers["Authorization"] = f"Bearer {self.keys[user]}"
        return self.client.request(method, path, headers=headers, **kw)


def make_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **app_kw: Any) -> Iterator[Api]:
    from engine.identity.users import add_user
    from engine.store.db import get_engine, upgrade
    from flows.api.app import create_app

    url = f"sqlite:///{tmp_path / 'api.sqlite'}"
    monkeypatch.setenv("ARREARS_DATABASE_URL", url)
    monkeypatch.setenv("ARREARS_HOME", str(tmp_path / "home"))
    get_engine.cache_clear()
    upgrade(url)
    keys = {name: add_user(get_engine(url), name, role, "tests")["api_key"] for name, role in USERS.items()}
    with TestClient(create_app(**app_kw)) as client:
        yield Api(client, keys, url)
    get_engine.cache_clear()
