"""The playbook language's JSON Schema (and the targets files' and rosters'), generated from the models.

`python -m engine.playbook.schema > docs/playbook.schema.json`,
`python -m engine.playbook.schema targets > docs/targets.schema.json` and
`python -m engine.playbook.schema roster > docs/roster.schema.json` (`make schema`) regenerate
the committed copies; a test fails when one is stale, so editors and CI always see the real language.
"""

from __future__ import annotations

import json
import sys

from engine.playbook.model import Playbook
from engine.playbook.roster import Roster
from engine.playbook.targets import Targets

SCHEMA_ID = "https://arrears.dev/schema/playbook-v1.json"
TARGETS_SCHEMA_ID = "https://arrears.dev/schema/targets-v1.json"
ROSTER_SCHEMA_ID = "https://arrears.dev/schema/roster-v1.json"


def playbook_schema() -> dict:
    schema = Playbook.model_json_schema(mode="validation")
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Arrears playbook, language version 1"
    return schema


def targets_schema() -> dict:
    schema = Targets.model_json_schema(mode="validation")
    schema["$id"] = TARGETS_SCHEMA_ID
    schema["title"] = "Arrears monthly targets (kind: targets), version 1"
    return schema


def roster_schema() -> dict:
    schema = Roster.model_json_schema(mode="validation")
    schema["$id"] = ROSTER_SCHEMA_ID
    schema["title"] = "Arrears roster (kind: roster), version 1"
    return schema


def render(kind: str = "playbook") -> str:
    schema = {"targets": targets_schema, "roster": roster_schema}.get(kind, playbook_schema)()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(sys.argv[1] if len(sys.argv) > 1 else "playbook"), end="")
