"""`madoguchi demo`: the whole system on embedded defaults, started in order and stopped cleanly on Ctrl-C.

Order matters: the broker first (central and the unit connect to it), then central (it creates the city key
the unit receives at enrolment), then the enrolment token, then the unit's emulated hardware (pcscd with a
virtual My Number Card of a made-up person, a virtual TCP printer), then the counter unit and its kiosk.
"""

import contextlib
import re
import shutil
import signal
import socket
import time
from pathlib import Path

import click

from central.db import make_engine
from central.fleet.enrolment import issue_token
from central.settings import Settings
from edge_agent.hardware.card_emulator import DEMO_PERSON
from edge_agent.hardware.emulated import emulated_hardware
from edge_agent.profile import DeviceProfile, load_profile
from testbed.broker import Broker
from testbed.processes import Service, free_port
from testbed.services import EMULATED_PROFILE, central_service, edge_service

DEMO_OFFICE = "honcho"
CARD_PIN = "1234"
ADMIN_PIN = "0000"


def port_or_free(preferred: int) -> int:
    """The preferred port if it is free on loopback, else any free one."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


def demo_profile(root: Path) -> tuple[Path, DeviceProfile]:
    """The emulated unit's profile with a free printer port and a camera folder in the demo's data dir."""
    text = EMULATED_PROFILE.read_text()
    (root / "camera").mkdir(parents=True, exist_ok=True)
    text = re.sub(r"(?m)^port = \d+", f"port = {port_or_free(9100)}", text)
    text = re.sub(r"(?m)^path = .*$", f'path = "{root / "camera"}"', text)
    path = root / "edge-profile.toml"
    path.write_text(text)
    return path, load_profile(path)


@click.command()
@click.option("--data-dir", default="var/demo", show_default=True, type=click.Path(file_okay=False))
@click.option("--keep", is_flag=True, help="Keep the previous demo's data instead of starting afresh")
def demo(data_dir: str, keep: bool) -> None:
    """Run a private broker, central (SQLite) and one emulated counter unit until Ctrl-C."""
    root = Path(data_dir).resolve()
    if root.exists() and not keep:
        shutil.rmtree(root)
    broker = Broker(root / "broker").start()
    services: list[Service] = []
    hardware = contextlib.ExitStack()
    try:
        central = central_service(root, broker.url, port=port_or_free(8000))
        services.append(central.start())
        engine = make_engine(Settings.resolve(data_dir=str(root / "central"), db_url=None).db_url)
        token = issue_token(engine, DEMO_OFFICE)
        engine.dispose()
        profile_path, profile = demo_profile(root)
        (root / "slips").mkdir(exist_ok=True)
        hardware.enter_context(emulated_hardware(profile, pin=CARD_PIN, out=root / "slips"))
        edge = edge_service(root, central, token, profile=profile_path, port=port_or_free(8080))
        edge.env = {
            "MADOGUCHI_KIOSK_ADMIN_PIN": ADMIN_PIN,
            "MADOGUCHI_KIOSK_SLIP_PREVIEWS": str(root / "slips"),
        }
        services.append(edge.start())
        click.echo(
            "\n".join(
                [
                    "Madoguchi demo is running (Ctrl-C stops everything):",
                    f"  kiosk             {edge.base_url}/kiosk/  (admin menu PIN {ADMIN_PIN})",
                    f"  virtual card      {DEMO_PERSON.name}, PIN {CARD_PIN} ({profile.card_reader.reader})",
                    f"  pre-entry page    {central.base_url}/preentry/",
                    f"  kiosk camera      {root / 'camera'}  (drop a pre-entry QR image here)",
                    f"  printed slips     {root / 'slips'}  (PNG previews and the printer's raw jobs)",
                    f"  broker            {broker.url}",
                    f"  central           {central.base_url}  (health /health, OpenAPI /schema)",
                    f"  counter unit API  {edge.base_url}/api/submissions  (health /api/health)",
                    f"  logs and data     {root}",
                    f"  export            madoguchi central export --data-dir {root / 'central'}",
                ]
            )
        )
        while all(s.process is not None and s.process.poll() is None for s in services):
            time.sleep(0.5)
        click.echo("a demo process stopped; see the logs", err=True)
    except KeyboardInterrupt:
        click.echo("\nstopping…")
    finally:
        for service in reversed(services):
            service.kill(signal.SIGTERM)
        hardware.close()
        broker.stop()
