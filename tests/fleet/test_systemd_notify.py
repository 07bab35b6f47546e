"""The agent tells systemd it is ready and alive (sd_notify), on a real unix datagram socket as NOTIFY_SOCKET:
READY=1 once the local API listens, WATCHDOG=1 at the period systemd asks for, only while healthy."""

import asyncio
import os
import socket
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from central.fleet.grants import issue_token
from edge_agent.notify import Notifier, outbox_writable, watchdog
from edge_agent.outbox import Outbox
from testbed.processes import free_port, stop
from testbed.services import edge_service
from tests.fleet.conftest import City


@pytest.fixture
def systemd_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A datagram socket where systemd would listen, and the NOTIFY_SOCKET value naming it."""
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(90)
        yield sock, str(path)


def received(sock: socket.socket) -> str:
    return sock.recv(4096).decode()


def test_the_agent_says_ready_once_it_serves_then_pings_the_watchdog(
    city: City, tmp_path: Path, systemd_socket: tuple[socket.socket, str]
) -> None:
    sock, address = systemd_socket
    unit = edge_service(tmp_path, city.central, issue_token(city.engine, "honcho"), port=free_port())
    environment = {**os.environ, "NOTIFY_SOCKET": address, "WATCHDOG_USEC": "2000000"}  # a ping every second
    with unit.log_path.open("ab") as log:
        process = subprocess.Popen(unit.argv, stdout=log, stderr=log, cwd=unit.cwd, env=environment)
    try:
        assert received(sock) == "READY=1"
        assert httpx.get(unit.health_url, timeout=5).status_code == 200, "READY=1 came once the API listened"
        assert [received(sock) for _ in range(3)] == ["WATCHDOG=1"] * 3
    finally:
        stop(process)


async def test_the_watchdog_pings_only_while_healthy(systemd_socket: tuple[socket.socket, str]) -> None:
    sock, address = systemd_socket
    notifier = Notifier({"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "20000"})
    assert notifier.interval == 0.01
    answers: list[bool] = []
    state = {"healthy": True}
    enough = asyncio.Event()

    async def healthy() -> bool:
        answers.append(state["healthy"])
        if answers.count(True) == 3:
            state["healthy"] = False
        if answers.count(False) == 3:
            enough.set()
        return answers[-1]

    task = asyncio.create_task(watchdog(notifier, healthy))
    await asyncio.wait_for(enough.wait(), timeout=30)
    task.cancel()
    sock.setblocking(False)
    pings = []
    while True:
        try:
            pings.append(received(sock))
        except BlockingIOError:
            break
    assert pings == ["WATCHDOG=1"] * answers.count(True)


def test_an_abstract_socket_is_reached_and_no_socket_means_no_message() -> None:
    name = f"madoguchi-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(10)
        Notifier({"NOTIFY_SOCKET": "@" + name}).ready()
        assert received(sock) == "READY=1"
    assert Notifier({}).interval == 15.0
    Notifier({}).alive()  # nothing to send to, and no error


def test_a_locked_outbox_is_unhealthy(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    Outbox(path).close()
    assert outbox_writable(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock (a hung write, a full disk)
    try:
        assert not outbox_writable(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert outbox_writable(path)
    assert not outbox_writable(tmp_path / "missing.db")
