"""Benchmark the navigator on Ibusuki's role-play household (seed 002): plans per second, and more.

Each measured step is a `Stage`; `stages()` lists them in the order a citizen meets them, ending with the
kiosk's "confirm → slip printed": plan, seal into a real outbox (SQLite, synchronous=FULL), seal the case
QR, print to the emulated TCP printer and wait until it has the whole job. Prints figures and the
handwriting-saved table; never personal data (the household is the catalog's invented example).

    .venv/bin/python -m bench.navigator [--seconds 3] [--baseline DIR]

`--baseline DIR` times plans per second for the same household with another source tree's navigator and
catalog (e.g. main: `git archive main | tar -x -C /tmp/madoguchi-main`), in a subprocess of this run, and
prints the ratio: the check that a change to the facts model or the catalog keeps planning no slower than 2×.
"""

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from edge_agent.hardware.camera import open_camera
from edge_agent.hardware.card.pcsc import PcscCardReader
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.hardware.printer import SlipPrinter
from edge_agent.hardware.printer.emulator import VirtualPrinter
from edge_agent.identity import Identity, tls_files
from edge_agent.kiosk.context import KioskContext
from edge_agent.kiosk.finish import seal_and_print
from edge_agent.kiosk.settings import KioskSettings
from edge_agent.link import Link
from edge_agent.outbox import Outbox
from edge_agent.profile import FolderCamera, NetworkPrinter
from edge_agent.submission import EdgeServices
from procedures.catalog import Catalog
from procedures.loader import load_catalog_dir
from procedures.navigator import make_plan, next_questions
from procedures.planner import CatalogPlanner
from procedures.writing_report import writing_table
from protocol.facts import Facts
from protocol.keys import CityPrivateKey
from protocol.qr_seal import CounterKey
from protocol.urls import parse_broker_url

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CITY = ROOT / "procedures" / "catalogs" / "sample_city"
HOUSEHOLD = "ibusuki_roleplay"
"""The largest example household (7 people and a dog); `--baseline` plans the same one."""
_BASELINE = """
import sys, time
from datetime import date
from pathlib import Path
import msgspec
from procedures.loader import load_catalog_dir
from procedures.navigator import make_plan
from protocol.facts import Facts
catalog = load_catalog_dir(Path("procedures/catalogs/sample_city"))
example = next(item for item in catalog.content.examples if item.id == sys.argv[1])
facts, today = msgspec.convert(example.facts, Facts), date.fromisoformat(example.today)
make_plan(catalog, facts, today)
calls, started = 0, time.perf_counter()
while calls < 3 or time.perf_counter() - started < float(sys.argv[2]):
    make_plan(catalog, facts, today)
    calls += 1
print(calls / (time.perf_counter() - started))
"""
"""Plans per second in another source tree, run there with this interpreter (its own imports only)."""
BASELINE_ROUNDS = 3


def plans_per_second_in(tree: Path, budget: float) -> float:
    """Plans per second for HOUSEHOLD with the navigator and catalog of the source tree `tree`."""
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _BASELINE, HOUSEHOLD, str(budget)],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


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


@contextlib.contextmanager
def confirm_to_slip(catalog: Catalog, facts: Facts) -> Iterator[Stage]:
    """The kiosk's confirm step on a throw-away unit: real outbox, real sealing, emulated TCP printer."""
    with tempfile.TemporaryDirectory() as workdir, VirtualPrinter() as printer:
        broker = parse_broker_url("mqtt://127.0.0.1:1")  # never connected: the link only gets notified
        outbox = Outbox(Path(workdir) / "outbox.db")
        identity = Identity(
            device_id="cu-bench",
            office_id="bench",
            city=CityPrivateKey.generate().public,
            broker_url=str(broker),
            signer=ed25519.Ed25519PrivateKey.generate(),
            counter=CounterKey(x25519.X25519PrivateKey.generate()),
            central=ed25519.Ed25519PrivateKey.generate().public_key(),
            profile="",
            central_url="http://127.0.0.1:1",
            tls=tls_files(Path(workdir), 1),
            generation=1,
        )
        link = Link(outbox, identity.device_id, broker, identity.central)
        services = EdgeServices(identity, outbox, link, CatalogPlanner(catalog))
        slip_printer = SlipPrinter(NetworkPrinter(host="127.0.0.1", port=printer.port, japanese="kanji"))
        camera = FolderCamera(path=workdir)
        hardware = CounterUnitHardware(PcscCardReader("none"), slip_printer, lambda: open_camera(camera))
        kiosk = KioskContext(services, catalog, hardware, KioskSettings())
        loop = asyncio.new_event_loop()

        def confirm() -> None:
            jobs = len(printer.jobs)
            _, _, printed = loop.run_until_complete(seal_and_print(kiosk, facts, key=None))
            assert printed
            printer.wait_for_jobs(jobs + 1)

        try:
            yield Stage("kiosk confirm → slip printed (emulated)", "slips", confirm)
        finally:
            loop.close()
            outbox.close()


def stages(catalog: Catalog, facts: Facts, today: date) -> list[Stage]:
    """The steps to time, in the order a citizen meets them (the kiosk's confirm is added by `main`)."""
    unanswered = msgspec.structs.replace(facts, answers={})
    return [
        Stage("load + check + compile the catalog", "catalogs", lambda: load_catalog_dir(SAMPLE_CITY)),
        Stage("next question (empty answers)", "screens", lambda: next_questions(catalog, unanswered, today)),
        Stage("plan for the Ibusuki household", "plans", lambda: make_plan(catalog, facts, today)),
        Stage("plan + JSON encode", "plans", lambda: msgspec.json.encode(make_plan(catalog, facts, today))),
    ]


def compare(baseline: Path, budget: float) -> None:
    """Plans/s of the baseline tree and of this one, each in a fresh process, alternating rounds."""
    before, after = [], []
    for _ in range(BASELINE_ROUNDS):  # alternate, so a busy moment on a shared machine hits both
        before.append(plans_per_second_in(baseline, budget))
        after.append(plans_per_second_in(ROOT, budget))
    rounds = ", ".join(f"{b:.1f}/{a:.1f}" for b, a in zip(before, after, strict=True))
    print(
        f"plans/s for {HOUSEHOLD} (fresh processes, best of {BASELINE_ROUNDS}): before ({baseline}) "
        f"{max(before):.1f}, after {max(after):.1f}; after/before {max(after) / max(before):.2f} "
        f"(must stay above 0.50); rounds before/after {rounds}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time budget per stage")
    parser.add_argument("--baseline", type=Path, help="another source tree to compare plans/s with")
    arguments = parser.parse_args()
    budget = arguments.seconds

    catalog = load_catalog_dir(SAMPLE_CITY)
    example = next(item for item in catalog.content.examples if item.id == HOUSEHOLD)
    facts = msgspec.convert(example.facts, Facts)
    today = date.fromisoformat(example.today)
    plan = make_plan(catalog, facts, today)
    print(
        f"catalog {catalog.meta.id} {catalog.meta.version}; household {HOUSEHOLD}: "
        f"{len(facts.household) + 1} people, {len(plan.procedures)} procedures, {len(plan.forms)} forms"
    )
    timings = []
    with confirm_to_slip(catalog, facts) as confirm:
        for timing in (measure(stage, budget) for stage in [*stages(catalog, facts, today), confirm]):
            timings.append(timing)
            print(
                f"{timing.stage.name:<40} {timing.per_second:9.1f} {timing.stage.unit}/s"
                f"  ({timing.milliseconds:.1f} ms each, {timing.calls} runs)"
            )
    if arguments.baseline:
        compare(arguments.baseline.resolve(), budget)
    print()
    print(writing_table(plan))


if __name__ == "__main__":
    main()
