"""Load test of `POST /v1/check` through a real `arrears api` (uvicorn) on localhost.

Bounded and self-stopping: a fresh SQLite database in a temporary folder, one dialer user,
`--rate` requests per second for `--seconds` (open loop: request i is sent at start + i/rate
by a pool of keep-alive clients), each with a 200-entry history (the `bench/check.py`
scenario); then the server is stopped. Reports client-side latency p50/p99/max (send to
answer, so it includes HTTP and JSON on both sides), the verdicts, and any non-200.

    .venv/bin/python bench/api_load.py [--rate 200] [--seconds 10] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from check import scenario  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bodies(n: int) -> list[bytes]:
    rng, now = random.Random(7), datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    out = []
    for _ in range(n):
        account, history, action = scenario(rng, rng.choice(("US", "CN", "UK")), now)
        out.append(json.dumps({"account": account.model_dump(mode="json"),
                               "history": [h.model_dump(mode="json", exclude_none=True) for h in history],
                               "action": action.model_dump(mode="json", exclude_none=True)}).encode())
    return out


def _server(home: Path, port: int, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    from engine.identity.users import add_user
    from engine.store.db import get_engine, upgrade

    url = f"sqlite:///{home / 'bench.sqlite'}"
    upgrade(url)
    key = add_user(get_engine(url), "dialer", "dialer", "bench")["api_key"]
    env = {**os.environ, "ARREARS_DATABASE_URL": url, "ARREARS_HOME": str(home), "PYTHONPATH": str(ROOT),
           "ARREARS_API_CHECK_RATE": "100000", "ARREARS_API_CHECK_BURST": "100000"}
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "api", "--port", str(port), "--workers",
                             str(workers), "--log-level", "warning"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=(home / "server.log").open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc, key
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the API did not become ready in 60 s")


def _load(base: str, key: str, bodies: list[bytes], rate: float, seconds: float) -> list[tuple[float, int, bool]]:
    jobs: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
    results: list[tuple[float, int, bool]] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def worker() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            while (job := jobs.get()) is not None:
                due, body = job
                time.sleep(max(0.0, due - time.perf_counter()))
                start = time.perf_counter()
                response = client.post("/v1/check", content=body)
                elapsed = time.perf_counter() - start
                with lock:
                    results.append((elapsed, response.status_code, response.status_code == 200
                                    and response.json()["allowed"]))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(16)]
    for t in threads:
        t.start()
    for i in range(3):  # warm up: key verification (Argon2) and the packs, not measured
        httpx.post(f"{base}/v1/check", content=bodies[i], headers=headers, timeout=30)
    t0 = time.perf_counter() + 0.2
    for i in range(int(rate * seconds)):
        jobs.put((t0 + i / rate, bodies[i % len(bodies)]))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    return results


def _server_ms(home: Path) -> list[float]:
    """The server's own durations of the measured checks (its access log's `ms=`)."""
    lines = (home / "server.log").read_text(errors="replace").splitlines()
    found = [float(x.split(" ms=")[1].split()[0]) for x in lines if "path=/v1/check status=200" in x]
    return sorted(found[3:])  # after the warm-up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc, key = _server(Path(tmp), port, args.workers)
        try:
            results = _load(f"http://127.0.0.1:{port}", key, _bodies(50), args.rate, args.seconds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        server = _server_ms(Path(tmp))
    ms = sorted(r[0] * 1000 for r in results)
    errors = [r[1] for r in results if r[1] != 200]
    p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
    print(f"requests {len(ms)} at {args.rate:g}/s for {args.seconds:g} s, workers {args.workers}; "
          f"blocked {sum(1 for r in results if r[1] == 200 and not r[2])}; non-200 {len(errors)}")
    print(f"p50 {statistics.median(ms):.2f} ms  p99 {p99:.2f} ms  max {ms[-1]:.2f} ms  "
          f"load average {os.getloadavg()[0]:.1f}")
    if server:
        print(f"server-side (access log) p50 {statistics.median(server):.2f} ms  "
              f"p99 {server[max(0, int(len(server) * 0.99) - 1)]:.2f} ms")
    raise SystemExit(1 if errors or p99 > 10 else 0)


if __name__ == "__main__":
    main()
