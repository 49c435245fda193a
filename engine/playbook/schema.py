"""The playbook language's JSON Schema, generated from the pydantic models.

`python -m engine.playbook.schema > docs/playbook.schema.json` regenerates the committed copy; a test
fails when the committed copy is stale, so editors and CI always see the real language.
"""

from __future__ import annotations

import json

from engine.playbook.model import Playbook

SCHEMA_ID = "https://arrears.dev/schema/playbook-v1.json"


def playbook_schema() -> dict:
    schema = Playbook.model_json_schema(mode="validation")
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Arrears playbook, language version 1"
    return schema


def render() -> str:
    return json.dumps(playbook_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
