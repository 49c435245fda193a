"""The committed JSON Schema is the one the models generate, and the shipped playbooks
satisfy it (editors and CI check playbooks against it, so it must not drift)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.playbook.schema import render

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "playbook.schema.json"
NOT_PLAYBOOKS = {"emergency.yaml"}  # the emergency plan has its own model
SHIPPED = sorted(p for p in (ROOT / "playbooks").glob("*.yaml") if p.name not in NOT_PLAYBOOKS)


def test_committed_schema_is_fresh() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == render(), (
        "docs/playbook.schema.json is stale: run `python -m engine.playbook.schema > docs/playbook.schema.json`"
    )


def test_schema_forbids_unknown_keys() -> None:
    schema = json.loads(render())
    assert schema["additionalProperties"] is False
    assert all(d.get("additionalProperties") is False for d in schema["$defs"].values() if d.get("type") == "object")


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_playbook_satisfies_the_json_schema(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    document = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_the_json_schema_rejects_a_misspelt_key() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    document = yaml.safe_load(SHIPPED[0].read_text(encoding="utf-8"))
    document["stages"][0]["treatments"][0]["chanel"] = document["stages"][0]["treatments"][0].pop("channel")
    messages = [e.message for e in validator.iter_errors(json.loads(json.dumps(document, default=str)))]
    assert any("chanel" in m for m in messages), messages
