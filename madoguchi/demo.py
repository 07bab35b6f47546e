"""`madoguchi demo`: the whole system on embedded defaults, started in order and stopped cleanly on Ctrl-C.

Order matters: the broker first (central and the unit connect to it), then central (it creates the city key
the unit receives at enrolment), then the enrolment token, then the counter unit.
"""

import shutil
import signal
import socket
import time
from pathlib import Path

import click

from central.db import make_engine
from central.fleet.enrolment import issue_token
from central.settings import Settings
from madoguchi.processes import Service, central_service, edge_service
from provisioning.broker import Broker, free_port

ROOT = Path(__file__).resolve().parents[1]
DEMO_OFFICE = "honcho"


def port_or_free(preferred: int) -> int:
    """The preferred port if it is free on loopback, else any free one."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


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
    try:
        central = central_service(root / "central", broker.url, port_or_free(8000), root / "central.log")
        services.append(central.start())
        engine = make_engine(Settings.resolve(data_dir=str(root / "central"), db_url=None).db_url)
        token = issue_token(engine, DEMO_OFFICE)
        engine.dispose()
        profile = ROOT / "device_profiles" / "emulated.toml"
        edge = edge_service(
            profile, root / "edge", port_or_free(8080), root / "edge.log", central.base_url, token
        )
        services.append(edge.start())
        click.echo(
            "\n".join(
                [
                    "Madoguchi demo is running (Ctrl-C stops everything):",
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
        broker.stop()
