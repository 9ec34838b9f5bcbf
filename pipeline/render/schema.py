"""schema/result.schema.json: the JSON Schema of result.json, generated from the Result model.

Run `python -m pipeline.render.schema` after changing pipeline/result.py; the file is committed
so consumers of result.json can validate without this code.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.result import Result

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "result.schema.json"


def result_schema() -> dict:
    """The schema of result.json as written (serialization mode: amounts are numbers)."""
    schema = Result.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    return json.dumps(result_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")


if __name__ == "__main__":
    main()
