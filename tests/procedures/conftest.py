"""Fixtures for the catalog and navigator tests: the sample city's catalog, loaded once."""

from pathlib import Path

import pytest

from procedures.catalog import Catalog
from procedures.loader import load_catalog_dir

SAMPLE_CITY = Path(__file__).resolve().parents[2] / "procedures" / "catalogs" / "sample_city"
_SUMMARIES: list[str] = []


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The sample city's catalog, validated."""
    return load_catalog_dir(SAMPLE_CITY)


@pytest.fixture
def summary() -> list[str]:
    """Lines a test wants printed in the terminal summary (the writing-saved table, say)."""
    return _SUMMARIES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the tests asked to report, after the results."""
    for text in _SUMMARIES:
        terminalreporter.write_line(text)
