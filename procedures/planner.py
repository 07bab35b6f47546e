"""The navigator as a one-argument function over a loaded catalog, as the kiosk and the edge API use it.

It reads the local date once per call (the navigator itself never reads a clock) and returns the typed plan
(`protocol.plan.Plan`), which is what travels inside a sealed submission.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from procedures.answers import InvalidAnswerError
from procedures.catalog import Catalog
from procedures.loader import load_catalog
from procedures.navigator import UnsupportedLanguageError, make_plan
from procedures.people import InvalidPersonError
from protocol.facts import Facts
from protocol.plan import Plan

SAMPLE_CATALOG = Path(__file__).resolve().parent / "catalogs" / "sample_city"
FACTS_ERRORS = (InvalidAnswerError, InvalidPersonError, UnsupportedLanguageError)
"""Facts the navigator refuses (besides MissingFacts): a 422 at the API, never a guess."""


@dataclass(frozen=True, slots=True)
class CatalogPlanner:
    """Plans against one catalog; raises MissingFacts or one of FACTS_ERRORS."""

    catalog: Catalog

    @classmethod
    def load(cls, path: Path = SAMPLE_CATALOG) -> "CatalogPlanner":
        """Load a catalog directory or published bundle."""
        return cls(load_catalog(path))

    def __call__(self, facts: Facts) -> Plan:
        """The plan for these facts today."""
        return make_plan(self.catalog, facts, date.today())
