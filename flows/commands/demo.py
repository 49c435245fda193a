"""`arrears demo`: one synthetic day, end to end, for a newcomer on a fresh checkout.

Interim version: evaluates the shipped playbooks over a synthetic portfolio without a
database and prints a summary. Replaced by the database-backed day once the record exists.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import typer

from flows.app import app


@app.command("demo")
def demo(accounts: int = typer.Option(5000, "--accounts", help="portfolio size")) -> None:
    """Evaluate the shipped playbooks over a synthetic CN/US/UK portfolio and summarise."""
    from engine.decide import Evaluator
    from engine.facts import Account, HistoryEntry
    from engine.gate_adapter import default_gate
    from engine.jsonl import read_models
    from engine.playbook_loader import load_playbook
    from flows.synthetic import write_portfolio

    at = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="arrears-demo-") as tmp:
        a_path, h_path = write_portfolio(Path(tmp), accounts, at)
        accs = [a for _, a in read_models(a_path, Account)]
        hist: dict[str, list[HistoryEntry]] = {}
        for _, e in read_models(h_path, HistoryEntry):
            hist.setdefault(e.account_id, []).append(e)
    stages: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    blocked: Counter[str] = Counter()
    for path in sorted(Path("playbooks").glob("*.yaml")):
        loaded = load_playbook(path)
        ev = Evaluator(loaded, gate=default_gate(loaded))
        for start in range(0, len(accs), 1000):
            for d in ev.decide(accs[start : start + 1000], hist, at):
                if d["stage"] is None:
                    continue
                stages[d["stage"]] += 1
                channels.update(a["channel"] for a in d["actions"])
                blocked.update(v["rule"] for b in d["blocked"] for v in b["violations"])
    typer.echo(f"{len(accs)} synthetic accounts evaluated at {at.isoformat()}")
    for title, counts in (("stage", stages), ("channel", channels), ("blocked by rule", blocked)):
        typer.echo(f"by {title}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
