"""Publishing: every example household passes, the bundle round-trips, and nothing untested gets out."""

import msgspec
import pytest

from procedures.catalog import Catalog, content_hash
from procedures.loader import load_catalog_dir
from procedures.model import CatalogContent, Example
from procedures.problems import CatalogError
from procedures.publish import publish, read_published, run_example, run_examples
from tests.procedures.conftest import SAMPLE_CITY


def _example_ids() -> list[str]:
    return [item.id for item in load_catalog_dir(SAMPLE_CITY).content.examples]


@pytest.mark.parametrize("example_id", _example_ids())
def test_every_example_household_passes(catalog: Catalog, example_id: str) -> None:
    household = next(item for item in catalog.content.examples if item.id == example_id)
    result = run_example(catalog, household)
    assert result.passed, result.problems


def test_examples_cover_every_life_event(catalog: Catalog) -> None:
    events = {item.facts["life_event"] for item in catalog.content.examples}
    assert events == {
        "move_in",
        "move_out",
        "move_within",
        "birth",
        "death",
        "marriage",
        "divorce",
        "certificates",
    }


def test_published_bundle_round_trips_with_the_same_hash(catalog: Catalog) -> None:
    bundle = publish(catalog, run_examples(catalog))
    loaded = read_published(bundle)
    assert loaded.content_hash == catalog.content_hash
    assert loaded.meta.version == catalog.meta.version
    assert msgspec.json.decode(bundle)["status"] == "published"


def test_a_tampered_bundle_is_refused(catalog: Catalog) -> None:
    bundle = msgspec.json.decode(publish(catalog, run_examples(catalog)))
    bundle["content"]["counters"][0]["floor"] = 9
    with pytest.raises(CatalogError, match="content hash does not match"):
        read_published(msgspec.json.encode(bundle))


def test_a_failing_example_blocks_publishing(catalog: Catalog) -> None:
    wrong = msgspec.structs.replace(
        catalog.content.examples[0],
        expect=msgspec.structs.replace(catalog.content.examples[0].expect, procedures=["tennyu_todoke"]),
    )
    result = run_example(catalog, wrong)
    assert not result.passed
    assert any("produced but not expected" in problem for problem in result.problems)
    report = msgspec.structs.replace(run_examples(catalog), passed=False, results=[result])
    with pytest.raises(CatalogError, match="examples failed: ibusuki_roleplay"):
        publish(catalog, report)


def test_a_report_for_other_content_blocks_publishing(catalog: Catalog) -> None:
    report = msgspec.structs.replace(run_examples(catalog), content_hash="sha256:00")
    with pytest.raises(CatalogError, match="different catalog content"):
        publish(catalog, report)


def test_an_example_expecting_missing_answers_fails_when_a_plan_is_made(catalog: Catalog) -> None:
    complete: Example = next(item for item in catalog.content.examples if item.id == "single_move_in")
    wrong = msgspec.structs.replace(
        complete, expect=msgspec.structs.replace(complete.expect, missing=["phone"])
    )
    assert not run_example(catalog, wrong).passed


def test_a_rehashed_bundle_must_still_satisfy_the_schema(catalog: Catalog) -> None:
    bundle = msgspec.json.decode(publish(catalog, run_examples(catalog)))
    bundle["content"]["counters"][0]["id"] = "Not An Id"
    bundle["content_hash"] = content_hash(msgspec.convert(bundle["content"], CatalogContent))
    with pytest.raises(CatalogError, match="does not match"):
        read_published(msgspec.json.encode(bundle))
