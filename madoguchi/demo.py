"""`madoguchi demo`: the whole system on embedded defaults, started in order and stopped cleanly on Ctrl-C.

The demo is production on one machine: the broker runs the city's configuration (`madoguchi provision init`
on the demo's central data dir: city CA, central's keys and MQTT identities, mutual TLS only, per-unit access
rules), central and the unit connect with their own certificates, and the unit enrols with a CSR.
Order matters: the broker first (its start provisions central's data dir, and central and the unit connect
to it), then central, then the enrolment token, then the unit's emulated hardware (pcscd with a virtual My
Number Card of a made-up person, a virtual TCP printer), then the counter unit and its kiosk. A demo keeps
its data and its ports from one run to the next (the unit's enrolment names the broker's port, and
bookmarks name central's and the kiosk's); `--reset` starts afresh.
"""

import contextlib
import json
import re
import shutil
import signal
import socket
import time
from pathlib import Path

import click

from central.accounts.service import add_user
from central.cases.approval import set_departments
from central.db import make_engine
from central.fleet.grants import issue_token
from central.fleet.setup import SETUP_FILE
from central.settings import Settings
from edge_agent.hardware.card_emulator import DEMO_PERSON
from edge_agent.hardware.emulated import emulated_hardware
from edge_agent.profile import DeviceProfile, load_profile
from testbed.broker import Broker
from testbed.processes import Service, free_port, stop_services
from testbed.services import EMULATED_PROFILE, central_service, edge_service

DEMO_OFFICE = "honcho"
DEMO_PROFILE = EMULATED_PROFILE.stem
CARD_PIN = "1234"
ADMIN_PIN = "0000"
DEMO_STAFF = ("demo-staff", "staff", "madoguchi-demo")
"""A clerk of the demo's office: name, role, password (printed in the banner; a demo is not production)."""
DEMO_SUPERVISOR = ("demo-supervisor", "supervisor", "madoguchi-demo")
DEMO_ADMIN = ("demo-admin", "admin", "madoguchi-demo")
"""IT's account: the fleet console (/staff/fleet) is for admins only."""
DEMO_DEPARTMENT = "市民課"
"""The demo clerk's department: clerks approve only their own department's procedures."""
PREFERRED_PORTS = {"central": 8000, "kiosk": 8080, "printer": 9100, "broker": 1884}


def bindable(port: int) -> bool:
    """Whether a server could listen on this loopback port now (a port in TIME-WAIT after the last run
    is bindable: servers set SO_REUSEADDR, and so does this check)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def demo_ports(root: Path) -> dict[str, int]:
    """The ports of the last run (kept in the data dir), else the preferred ones, else free ones."""
    saved = root / "ports.json"
    ports: dict[str, int] = json.loads(saved.read_text()) if saved.exists() else {}
    for name, preferred in PREFERRED_PORTS.items():
        if name not in ports:
            ports[name] = preferred if bindable(preferred) else free_port()
        elif not bindable(ports[name]):
            raise click.ClickException(
                f"port {ports[name]} ({name}) is taken: stop what uses it, or start afresh with --reset"
            )
    root.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(ports, indent=2))
    return ports


def demo_profile(root: Path, printer_port: int) -> tuple[Path, DeviceProfile]:
    """The emulated unit's profile with the demo's printer port and a camera folder in its data dir."""
    text = EMULATED_PROFILE.read_text()
    (root / "camera").mkdir(parents=True, exist_ok=True)
    text = re.sub(r"(?m)^port = \d+", f"port = {printer_port}", text)
    text = re.sub(r"(?m)^path = .*$", f'path = "{root / "camera"}"', text)
    path = root / "edge-profile.toml"
    path.write_text(text)
    return path, load_profile(path)


def _interrupted(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_interrupt() -> None:
    """Ctrl-C and SIGTERM stop the demo, even when it was started with SIGINT ignored (as a script's
    background job is: it inherits that, and Ctrl-C sent to it would do nothing)."""
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)


@click.command()
@click.option("--data-dir", default="var/demo", show_default=True, type=click.Path(file_okay=False))
@click.option("--reset", is_flag=True, help="Delete the previous demo's data (cases, enrolment, ports) first")
def demo(data_dir: str, reset: bool) -> None:
    """Run a private broker, central (SQLite) and one emulated counter unit until Ctrl-C."""
    _stop_on_interrupt()
    root = Path(data_dir).resolve()
    if root.exists() and reset:
        shutil.rmtree(root)
    if (root / "central").exists() and not (root / "central" / SETUP_FILE).exists():
        raise click.ClickException(f"{root} predates the secured broker: start afresh with --reset")
    ports = demo_ports(root)
    broker = Broker(root / "broker", root / "central", port=ports["broker"]).start()
    services: list[Service] = []
    hardware = contextlib.ExitStack()
    try:
        central = central_service(root, broker.url, port=ports["central"])
        services.append(central.start())
        engine = make_engine(Settings.resolve(data_dir=str(root / "central"), db_url=None).db_url)
        token = issue_token(engine, DEMO_OFFICE, profile=DEMO_PROFILE)
        for name, role, password in (DEMO_STAFF, DEMO_SUPERVISOR, DEMO_ADMIN):
            add_user(engine, name, role, password, [DEMO_OFFICE], [])
        set_departments(engine, DEMO_STAFF[0], [DEMO_DEPARTMENT])
        engine.dispose()
        profile_path, profile = demo_profile(root, ports["printer"])
        (root / "slips").mkdir(exist_ok=True)
        hardware.enter_context(emulated_hardware(profile, pin=CARD_PIN, out=root / "slips"))
        edge = edge_service(root, central, token, profile=profile_path, port=ports["kiosk"])
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
                    f"  staff side        {central.base_url}/staff/  (clerk {DEMO_STAFF[0]} of "
                    f"{DEMO_DEPARTMENT}, supervisor {DEMO_SUPERVISOR[0]}, admin {DEMO_ADMIN[0]}; "
                    f"password {DEMO_STAFF[2]})",
                    f"  fleet console     {central.base_url}/staff/fleet  (admins: each unit's state)",
                    f"  call screens      {central.base_url}/staff/queue/  (tickets follow each plan)",
                    f"  waiting room TV   {central.base_url}/display/{DEMO_OFFICE}  (click: voice on)",
                    f"  congestion page   {central.base_url}/congestion/",
                    f"  kiosk camera      {root / 'camera'}  (drop a pre-entry QR image here)",
                    f"  printed slips     {root / 'slips'}  (PNG previews and the printer's raw jobs)",
                    f"  broker            {broker.url}  (mutual TLS; its files in {broker.files})",
                    f"  central           {central.base_url}  (health /health, OpenAPI /schema)",
                    f"  counter unit API  {edge.base_url}/api/submissions  (health /api/health)",
                    f"  logs and data     {root}  (kept for the next run; --reset starts afresh)",
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
        for stop_signal in (signal.SIGINT, signal.SIGTERM):  # a second one must not leave children running
            signal.signal(stop_signal, signal.SIG_IGN)
        stop_services(services)  # the unit and central side by side: Ctrl-C should not take half a minute
        hardware.close()
        broker.stop()
