"""`arrears models train SPEC.yaml [--as-of DATE] [--json]` and `arrears models list [--json]`.

Training reads the record (set-based, `engine.models.dataset`), fits and evaluates on held-back
accounts (`engine.models.fit`), stores the model version and activates it only when it is not
worse than the active one (`engine.models.train`). Exit 0 whether activated or not (the JSON
says `activated` and why); 2 for a bad spec (FILE:LINE:COL) or a window without both outcomes.
"""

from __future__ import annotations

import json
from datetime import date

import typer

from flows.app import app

models_app = typer.Typer(help="Models trained from the record (D20): train, list.", no_args_is_help=True)
app.add_typer(models_app, name="models")


def _as_of(text: str | None) -> date:
    from engine.contracts.timestamps import parse_date

    return parse_date(text, "--as-of") if text else date.today()


@models_app.command("train")
def train(
    spec: str = typer.Argument(..., help="the model file (kind: model)"),
    as_of: str | None = typer.Option(None, "--as-of", help="the last date of the training window (YYYY-MM-DD)"),
    json_output: bool = typer.Option(False, "--json", help="print the trained model as JSON"),
) -> None:
    """Train SPEC on the record, report held-back metrics, activate if not worse than the active one."""
    from engine.models.spec import load_spec
    from engine.models.train import train_model
    from engine.store.db import ready_engine

    loaded = load_spec(spec)
    result = train_model(ready_engine(), loaded, _as_of(as_of))
    if json_output:
        typer.echo(json.dumps(result, ensure_ascii=False, sort_keys=True))
        return
    m = result["metrics"]
    typer.echo(f"{result['name']} v{result['version']} ({result['sha256'][:12]}) {result['target']}, "
               f"window {result['window']['from']}..{result['window']['to']}")  # fmt: skip
    typer.echo(
        f"held-back AUC {m['auc']}, Brier {m['brier']} ({m['train_rows']} train, {m['held_back_rows']} held back)"
    )
    for seg, hour in sorted(m.get("best_hour", {}).items()):
        typer.echo(f"  best hour {seg or '(none)'}: {hour:02d}:00")
    typer.echo(("activated: " if result["activated"] else "not activated: ") + result["reason"])


@models_app.command("list")
def list_(json_output: bool = typer.Option(False, "--json", help="print the contract's JSON")) -> None:
    """Every trained version: name, version, target, sha256, window, metrics, active."""
    from engine.store.db import ready_engine
    from engine.store.model_store import list_models

    rows = list_models(ready_engine())
    if json_output:
        typer.echo(json.dumps(rows, ensure_ascii=False, sort_keys=True))
        return
    for r in rows:
        mark = "*" if r["active"] else " "
        typer.echo(f"{mark} {r['name']} v{r['version']} {r['target']} AUC {r['metrics']['auc']} {r['sha256'][:12]}")
