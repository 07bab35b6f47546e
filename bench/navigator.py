"""Benchmark the navigator on Ibusuki's role-play household (seed 002): plans per second, and more.

Each measured step is a `Stage`; `stages()` lists them in the order a citizen meets them, ending with the
kiosk's "confirm → slip printed": plan, seal into a real outbox (SQLite, synchronous=FULL), seal the case
QR, print to the emulated TCP printer and wait until it has the whole job. Prints figures and the
handwriting-saved table; never personal data (the household is the catalog's invented example).

    .venv/bin/python -m bench.navigator [--seconds 3]
"""

import argparse
import asyncio
import contextlib
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
    with confirm_to_slip(catalog, facts) as confirm:
        for timing in (measure(stage, budget) for stage in [*stages(catalog, facts, today), confirm]):
            print(
                f"{timing.stage.name:<40} {timing.per_second:9.1f} {timing.stage.unit}/s"
                f"  ({timing.milliseconds:.1f} ms each, {timing.calls} runs)"
            )
    print()
    print(writing_table(plan))


if __name__ == "__main__":
    main()
