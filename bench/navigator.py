"""Benchmark the navigator on Ibusuki's role-play household (seed 002): plans per second, and more.

Each measured step is a `Stage`; `stages()` lists them in the order a citizen meets them. The kiosk's
"confirm → slip printed" step (sealing, outbox, emulated printer) is meant to be appended there as one
more Stage when the kiosk lands. Prints figures and the handwriting-saved table; never personal data
(the household is the catalog's invented example).

    .venv/bin/python bench/navigator.py [--seconds 3]
"""

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import msgspec

from procedures.catalog import Catalog
from procedures.loader import load_catalog_dir
from procedures.navigator import make_plan, next_questions
from procedures.writing_report import writing_table
from protocol.facts import Facts

SAMPLE_CITY = Path(__file__).resolve().parents[1] / "procedures" / "catalogs" / "sample_city"
HOUSEHOLD = "ibusuki_roleplay"


@dataclass(frozen=True)
class Stage:
    """One timed step: `run` is called repeatedly; `unit` names what one call produces."""

    name: str
    unit: str
    run: Callable[[], object]


@dataclass(frozen=True)
class Timing:
    """How often a stage ran in how long."""

    stage: Stage
    calls: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds

    @property
    def milliseconds(self) -> float:
        return 1000 * self.seconds / self.calls


def measure(stage: Stage, budget: float, minimum_calls: int = 3) -> Timing:
    """Call the stage until `budget` seconds have passed (at least `minimum_calls` times)."""
    stage.run()  # warm-up: first-call caches do not count
    calls, started = 0, time.perf_counter()
    while calls < minimum_calls or time.perf_counter() - started < budget:
        stage.run()
        calls += 1
    return Timing(stage, calls, time.perf_counter() - started)


def stages(catalog: Catalog, facts: Facts, today: date) -> list[Stage]:
    """The steps to time, in the order a citizen meets them."""
    unanswered = msgspec.structs.replace(facts, answers={})
    return [
        Stage("load + check + compile the catalog", "catalogs", lambda: load_catalog_dir(SAMPLE_CITY)),
        Stage("next question (empty answers)", "screens", lambda: next_questions(catalog, unanswered, today)),
        Stage("plan for the Ibusuki household", "plans", lambda: make_plan(catalog, facts, today)),
        Stage("plan + JSON encode", "plans", lambda: msgspec.json.encode(make_plan(catalog, facts, today))),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time budget per stage")
    budget = parser.parse_args().seconds

    catalog = load_catalog_dir(SAMPLE_CITY)
    example = next(item for item in catalog.content.examples if item.id == HOUSEHOLD)
    facts = msgspec.convert(example.facts, Facts)
    today = date.fromisoformat(example.today)
    plan = make_plan(catalog, facts, today)
    print(
        f"catalog {catalog.meta.id} {catalog.meta.version}; household {HOUSEHOLD}: "
        f"{len(facts.household) + 1} people, {len(plan.procedures)} procedures, {len(plan.forms)} forms"
    )
    for timing in (measure(stage, budget) for stage in stages(catalog, facts, today)):
        print(
            f"{timing.stage.name:<40} {timing.per_second:9.1f} {timing.stage.unit}/s"
            f"  ({timing.milliseconds:.1f} ms each, {timing.calls} runs)"
        )
    print()
    print(writing_table(plan))


if __name__ == "__main__":
    main()
