import jsonschema
import pytest

from pipeline.render.schema import SCHEMA_FILE, result_schema, schema_text
from tests import result_examples as examples


@pytest.mark.parametrize("result", examples.all_kinds(), ids=lambda r: r.status)
def test_result_as_written_validates_against_the_schema(result):
    jsonschema.validate(result.model_dump(mode="json"), result_schema())


def test_schema_rejects_an_unknown_status():
    dumped = examples.approve().model_dump(mode="json") | {"status": "maybe"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(dumped, result_schema())


def test_schema_requires_amounts_as_numbers():
    dumped = examples.approve().model_dump(mode="json") | {"requested_total_nok": "512345.50"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(dumped, result_schema())


def test_committed_schema_file_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run: python -m pipeline.render.schema"
