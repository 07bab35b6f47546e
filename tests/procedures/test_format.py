"""The format's own pieces: the shipped JSON Schema, language fallback, and the handwriting table."""

import jsonschema

from procedures.asked import localize
from procedures.catalog import Catalog
from procedures.loader import catalog_schema
from procedures.writing_report import writing_table
from testbed.households import plan_of


def test_the_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(catalog_schema())


def test_texts_fall_back_to_japanese_or_english() -> None:
    texts = {"ja": "住民票", "en": "residence record", "vi": "phiếu cư trú"}
    assert localize(texts, "vi").citizen == "phiếu cư trú"
    assert localize(texts, "ja-easy").citizen == "住民票"
    assert localize(texts, "fr").citizen == "residence record"
    assert localize(texts, "fr").ja == "住民票"


def test_the_writing_table_sets_madoguchi_beside_ibusuki(catalog: Catalog) -> None:
    table = writing_table(plan_of(catalog, "ibusuki_roleplay"))
    lines = table.splitlines()
    assert lines[0].split() == [
        "field",
        "type",
        "Ibusuki",
        "paper",
        "Ibusuki",
        "tablet",
        "Madoguchi",
        "prefilled",
        "left",
        "to",
        "write",
    ]
    assert lines[-2].split()[-4:] == ["96", "33", "133", "0"]
