"""The unit's local API against a hostile page and a careless typist (defects 5, 6 and 11 of the review):
a clear 4xx naming the problem, never a 500, and nothing stored that was not validated."""

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from protocol.facts import MAX_ADDRESS, MAX_HOUSEHOLD, MAX_NAME
from testbed.broker import Broker
from testbed.processes import Service
from testbed.services import central_service, edge_service, issue_token

MOVE_WITHIN: dict[str, Any] = {
    "life_event": "move_within",
    "language": "ja",
    "applicant": {"name": "見本　花子", "address": "みどり市中央1-1", "birth_date": "1990-04-01", "sex": "2"},
}
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A broker, central and one counter unit shared by the module's tests."""
    workdir = Path(tmp_path_factory.mktemp("unit-api"))
    broker = Broker(workdir / "broker", workdir / "central").start()
    central = central_service(workdir, broker.url).start()
    edge = edge_service(workdir, central, issue_token(workdir)).start()
    yield edge
    edge.kill()
    central.kill()
    broker.stop()


def post(unit: Service, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{unit.base_url}/api/submissions", content=body, headers=headers or JSON, timeout=60)


def depth(unit: Service) -> int:
    return int(httpx.get(f"{unit.base_url}/api/health", timeout=10).json()["outbox_depth"])


def test_json_sent_as_text_plain_from_a_foreign_page_is_refused(unit: Service) -> None:
    body = msgspec.json.encode(MOVE_WITHIN)
    before = depth(unit)
    assert post(unit, body, {"content-type": "text/plain"}).status_code == 415
    assert post(unit, body, {**JSON, "origin": "http://evil.example"}).status_code == 403
    assert depth(unit) == before, "nothing was sealed"


def test_a_99_megabyte_name_is_refused_before_it_is_read(unit: Service) -> None:
    body = msgspec.json.encode(
        {**MOVE_WITHIN, "applicant": {**MOVE_WITHIN["applicant"], "name": "x" * 9_900_000}}
    )
    assert post(unit, body).status_code == 413


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        (
            {"applicant": {"name": "", "address": "x", "birth_date": "1990-01-01", "sex": "1"}},
            "applicant.name",
        ),
        ({"applicant": {"name": "a", "address": " ", "birth_date": "1990-01-01", "sex": "1"}}, "address"),
        ({"applicant": {"name": "a", "address": "x", "birth_date": "2999-01-01", "sex": "1"}}, "birth_date"),
        ({"language": "klingon"}, "language"),
        (
            {"household": [{"name": "b", "relation": "butler", "birth_date": "2000-01-01", "sex": "1"}]},
            "relation",
        ),
    ],
)
def test_careless_facts_are_a_422_naming_the_field(
    unit: Service, changes: dict[str, object], named: str
) -> None:
    answer = post(unit, msgspec.json.encode({**MOVE_WITHIN, **changes}))
    assert answer.status_code == 422
    assert named in answer.text


def test_the_largest_facts_the_bounds_allow_still_seal(unit: Service) -> None:
    rng = random.Random(5)

    def noise(length: int) -> str:  # incompressible kanji
        return "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(length))

    household = [
        {"name": noise(MAX_NAME), "relation": "child", "birth_date": "2010-01-01", "sex": "1"}
        for _ in range(MAX_HOUSEHOLD)
    ]
    facts = {
        "life_event": "certificates",
        "language": "ja",
        "applicant": {
            "name": noise(MAX_NAME),
            "address": noise(MAX_ADDRESS),
            "birth_date": "1980-01-01",
            "sex": "1",
        },
        "household": household,
    }
    answer = post(unit, msgspec.json.encode(facts))
    assert answer.status_code in (201, 422), answer.text  # never the 500 of an envelope over 256 KiB
