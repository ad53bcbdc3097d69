"""The JSON Schema of the config language, generated from the pydantic models, for editors.

Regenerate with: rotations schema > configs/rotations.schema.json"""

from __future__ import annotations

import json

from rotations.config.models import Config

SCHEMA_ID = "https://github.com/rotations-scheduler/rotations/configs/rotations.schema.json"


def config_schema() -> dict:
    schema = Config.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def schema_text() -> str:
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
