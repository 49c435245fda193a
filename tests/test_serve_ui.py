"""`arrears serve` says where the Prefect UI is, and starts a server with a UI when none is
configured (issue 9, defect 9: it printed no address, and Prefect's temporary server has no
UI, so its `/` was a 404). Fast tests: `prefect.serve` and the server process are stand-ins;
the slow one starts the real server once."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
from record_fixtures import user_key

from flows.commands import serve as serve_module

EXPECTED = ["daily", "nightly", "weekly", "emergency-declare", "emergency-stand-down", "every-5-minutes"]


@pytest.fixture
def fake_serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """Replace `prefect.serve` (which never returns) by a recorder of what it was given."""
    import prefect
    from prefect.settings import get_current_settings

    url = f"sqlite:///{tmp_path / 'arrears.sqlite'}"
    monkeypatch.setenv("ARREARS_DATABASE_URL", url)
    monkeypatch.setenv("ARREARS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ARREARS_API_KEY", user_key(url, "ops"))  # serving the flows is an ops act
    from engine.store.db import get_engine

    get_engine.cache_clear()  # `ready_engine()` caches the configured engine under no argument
    calls: list[dict[str, Any]] = []

    def record(*deployments: Any) -> None:
        calls.append({"names": [d.name for d in deployments], "api_url": get_current_settings().api.url})

    monkeypatch.setattr(prefect, "serve", record)
    return calls


def _serve(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from flows.cli import main

    rc = main(["serve", "--at", "05:00", "--timezone", "Asia/Shanghai"])
    return rc, capsys.readouterr().out


def test_serve_prints_the_ui_of_the_configured_server(fake_serve, capsys, monkeypatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.setattr(serve_module, "start_prefect_server", pytest.fail)  # a server is configured
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4999/api"}):
        rc, out = _serve(capsys)
    assert rc == 0
    assert out.splitlines()[0].startswith("Prefect UI: http://127.0.0.1:4999 "), out
    assert fake_serve == [{"names": EXPECTED, "api_url": "http://127.0.0.1:4999/api"}]


def test_serve_without_a_server_starts_one_and_stops_it(fake_serve, capsys, monkeypatch, tmp_path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    events: list[tuple[str, object]] = []

    def start(port: int, log_path: Path) -> tuple[str, str]:
        events.append(("start", log_path))
        return "proc", f"http://127.0.0.1:{port}/api"

    monkeypatch.setattr(serve_module, "start_prefect_server", start)
    monkeypatch.setattr(serve_module, "stop_prefect_server", lambda proc: events.append(("stop", proc)))
    monkeypatch.setattr(serve_module, "free_port", lambda preferred: 4321)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        rc, out = _serve(capsys)
    assert rc == 0, out
    assert out.splitlines()[0].startswith("Prefect UI: http://127.0.0.1:4321 "), out
    assert fake_serve == [{"names": EXPECTED, "api_url": "http://127.0.0.1:4321/api"}]  # served against it
    assert events == [("start", tmp_path / "home" / "prefect-server.log"), ("stop", "proc")]


def test_the_started_server_answers_slash_with_the_ui(monkeypatch, tmp_path) -> None:
    """The app `prefect server start` runs with serve's settings answers `/` (the UI), where
    the temporary server's app — what `serve` used before — answers 404."""
    from fastapi.testclient import TestClient
    from prefect.server.api.server import create_app
    from prefect.settings import Settings

    for key, value in serve_module.SERVER_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PREFECT_UI_STATIC_DIRECTORY", str(tmp_path / "ui"))
    settings = Settings()  # read from this environment: serve's server settings
    started = TestClient(create_app(settings, ephemeral=False, ignore_cache=True), follow_redirects=False).get("/")
    assert started.status_code in (200, 307) and "html" in started.headers["content-type"], started.status_code
    temporary = TestClient(create_app(settings, ephemeral=True, ignore_cache=True)).get("/")
    assert temporary.status_code == 404


@pytest.mark.slow
def test_start_prefect_server_serves_the_ui_then_stops(tmp_path: Path) -> None:
    port = serve_module.free_port(serve_module.UI_PORT)
    proc, api_url = serve_module.start_prefect_server(port, tmp_path / "server.log")
    try:
        assert api_url == f"http://127.0.0.1:{port}/api"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200 and "html" in response.headers["content-type"]
    finally:
        serve_module.stop_prefect_server(proc)
    assert proc.poll() is not None
