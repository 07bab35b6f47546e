"""The sample catalog's example households, for tests that look closer than the publishing test does."""

from datetime import date

import msgspec

from procedures.catalog import Catalog
from procedures.model import Example
from procedures.navigator import make_plan
from protocol.facts import Facts
from protocol.plan import Plan


def example(catalog: Catalog, example_id: str) -> Example:
    """One of the catalog's example households by id."""
    return next(item for item in catalog.content.examples if item.id == example_id)


def facts_of(catalog: Catalog, example_id: str) -> Facts:
    """The facts of an example household."""
    return msgspec.convert(example(catalog, example_id).facts, Facts)


def plan_of(catalog: Catalog, example_id: str) -> Plan:
    """The plan for an example household on its own `today`."""
    return make_plan(
        catalog, facts_of(catalog, example_id), date.fromisoformat(example(catalog, example_id).today)
    )
