"""Property-based: whatever body a hostile page or a careless typist sends, the unit's local API and the
public pre-entry page answer without a 5xx, and store (or seal) only what they validated.

The unit runs with its broker stopped after enrolment, so its outbox only grows: a 201 adds exactly one
entry, anything else none. The pre-entry page stores nothing at all (central's database stays as it was), and
makes a QR only from an entry the form's own check accepts. Posts come from rotating loopback addresses, so
the page's per-client budget does not turn the run into 429s.
"""

import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from central.db import make_engine
from central.models import AccessEntry, Case
from central.preentry.form import Entry, check, member_count
from central.preentry.i18n import LANGUAGES
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from protocol.facts import decode_facts
from testbed.broker import Broker
from testbed.households import citizen
from testbed.processes import Service
from testbed.services import central_service, edge_service, issue_token
from tests.spine.helpers import wait_until

PROPERTY = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
JSON = {"content-type": "application/json"}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
texts = st.one_of(
    st.sampled_from(["見本　花子", "", " ", "=HYPERLINK(1)", "²", "2026-02-30", "1990-04-01", "9999-12-31"]),
    st.text(max_size=120),
)
people = st.fixed_dictionaries(
    {
        "name": texts | json_values,
        "address": texts | json_values,
        "birth_date": texts | json_values,
        "sex": st.sampled_from(["1", "2", "9", "0", "3", ""]) | json_values,
    },
    optional={
        "relation": st.sampled_from(["child", "spouse", "parent", "stranger", ""]),
        "extra": json_values,
    },
)
facts_like = st.fixed_dictionaries(
    {
        "life_event": st.sampled_from(["move_in", "move_within", "birth", "teleport"]) | json_values,
        "language": st.sampled_from(["ja", "en", "ja-x-easy", "xx", ""]) | json_values,
        "applicant": people | json_values,
    },
    optional={
        "household": st.lists(people, max_size=4) | json_values,
        "answers": st.dictionaries(st.text(max_size=20), json_values, max_size=5),
    },
)
VALID_FACTS: dict[str, Any] = msgspec.to_builtins(citizen(random.Random(1), 1))
"""A complete move-in household with every answer the navigator needs: the unit stores it."""
PATHS = [
    "life_event",
    "language",
    "applicant",
    "household",
    "answers",
    *(f"applicant.{k}" for k in VALID_FACTS["applicant"]),
]


def _changed(changes: list[tuple[str, Any]]) -> dict[str, Any]:
    """The valid facts with these paths set to other values (none: still valid, so some posts are stored)."""
    facts: dict[str, Any] = json.loads(json.dumps(VALID_FACTS))
    for path, value in changes:
        *parents, last = path.split(".")
        target = facts
        for parent in parents:
            if not isinstance(target.get(parent), dict):
                target[parent] = {}
            target = target[parent]
        target[last] = value
    return facts


nearly_valid = st.lists(st.tuples(st.sampled_from(PATHS), texts | json_values), max_size=2).map(_changed)
bodies = st.one_of(
    nearly_valid.map(lambda value: json.dumps(value, ensure_ascii=False).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    facts_like.map(lambda value: json.dumps(value, ensure_ascii=False).encode()),
    st.binary(max_size=200),
)


@pytest.fixture(scope="module")
def offline_unit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """An enrolled counter unit whose broker is gone: what it stores stays in its outbox."""
    workdir = Path(tmp_path_factory.mktemp("unit-properties"))
    broker = Broker(workdir / "broker", workdir / "central").start()
    central = central_service(workdir, broker.url).start()
    edge = edge_service(workdir, central, issue_token(workdir)).start()
    broker.stop()
    wait_until(lambda: not health(edge)["broker_connected"], timeout=60, what="the unit sees its broker gone")
    yield edge
    edge.kill()
    central.kill()


def health(unit: Service) -> dict[str, Any]:
    return dict(httpx.get(f"{unit.base_url}/api/health", timeout=30).json())


@PROPERTY
@given(body=bodies)
def test_the_unit_api_never_fails_and_stores_only_valid_facts(offline_unit: Service, body: bytes) -> None:
    before = health(offline_unit)["outbox_depth"]
    answer = httpx.post(f"{offline_unit.base_url}/api/submissions", content=body, headers=JSON, timeout=60)
    assert answer.status_code < 500, answer.text
    after = health(offline_unit)["outbox_depth"]
    event(f"status {answer.status_code}")
    if answer.status_code == 201:
        decode_facts(body)  # what was stored passes the facts schema
        assert after == before + 1
    else:
        assert 400 <= answer.status_code < 500
        assert after == before


FORM_KEYS = ["lang", "life_event", "name", "birth_date", "sex", "address", "phone", "members", "action"]
MEMBER_KEYS = [
    f"m{index}_{field}" for index in range(3) for field in ("name", "birth_date", "sex", "relation")
]
VALID_FORM = {
    "lang": "ja",
    "life_event": "move_in",
    "name": "見本　花子",
    "birth_date": "1990-04-01",
    "sex": "2",
    "address": "みどり市中央1-1",
    "members": "0",
    "action": "make",
}
forms = st.one_of(
    st.dictionaries(st.sampled_from(FORM_KEYS + MEMBER_KEYS) | st.text(max_size=10), texts, max_size=14),
    st.dictionaries(st.sampled_from(FORM_KEYS + MEMBER_KEYS), texts, max_size=14).map(
        lambda changes: {**VALID_FORM, **changes}
    ),
)


@pytest.fixture(scope="module")
def preentry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Engine]]:
    """Central serving HTTP only, and its database."""
    workdir = Path(tmp_path_factory.mktemp("preentry-properties"))
    service = central_service(workdir, broker_url=None).start()
    engine = make_engine(f"sqlite:///{workdir / 'central' / 'central.db'}")
    yield service, engine
    engine.dispose()
    service.kill()


def stored(engine: Engine) -> tuple[int, int]:
    """Cases and access-log entries central holds."""
    with Session(engine) as session:
        cases = session.exec(select(func.count()).select_from(Case)).one()
        entries = session.exec(select(func.count()).select_from(AccessEntry)).one()
    return int(cases), int(entries)


_sources = itertools.cycle(f"127.0.0.{n}" for n in range(2, 250))
_relations = set(CatalogPlanner.load(SAMPLE_CATALOG).catalog.relations)


@PROPERTY
@given(form=forms)
def test_the_preentry_page_never_fails_and_seals_only_checked_entries(
    preentry: tuple[Service, Engine], form: dict[str, str]
) -> None:
    central, engine = preentry
    before = stored(engine)
    transport = httpx.HTTPTransport(local_address=next(_sources))
    with httpx.Client(transport=transport, timeout=60) as client:
        answer = client.post(f"{central.base_url}/preentry/", data=form)
    assert answer.status_code < 500, answer.text
    assert stored(engine) == before
    if "data:image/png;base64," in answer.text:  # a QR was made: only from an entry the check accepts
        values = {key: str(value) for key, value in form.items()}
        lang = values.get("lang", "")
        values["lang"] = lang if lang in LANGUAGES else "ja"  # as the page does
        entry = Entry.from_form(values, member_count(values.get("members", "0")))
        facts = check(entry, _relations)
        assert facts is not None
        msgspec.convert(msgspec.to_builtins(facts), type=type(facts))
