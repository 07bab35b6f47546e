"""A virtual ESC/POS network printer for tests and `make demo`: keeps the bytes, answers DLE EOT.

It listens on a TCP port like a printer's raw port 9100, stores every connection's bytes as one job, and
answers status requests from its settable paper/cover/online state. It never interprets or prints the job.
Run it alone with `python -m edge_agent.hardware.printer.emulator --port 9100 [--out DIR]`.
"""

import argparse
import socket
import threading
from pathlib import Path

from .status import DLE_EOT, OFFLINE_CAUSE, PAPER_SENSOR, PRINTER_STATUS


class VirtualPrinter:
    """A printer on 127.0.0.1; `port=0` picks a free port (see `.port`)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, out: Path | None = None) -> None:
        self.paper_out = False
        self.cover_open = False
        self.offline = False
        self.jobs: list[bytes] = []
        self._out = out
        self._server = socket.create_server((host, port))
        self.port: int = self._server.getsockname()[1]
        self._server.settimeout(0.2)  # lets the accept loop notice `stop()`
        self._stopping = threading.Event()
        self._done = threading.Condition()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="virtual-printer")

    def start(self) -> "VirtualPrinter":
        """Start accepting connections."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        self._stopping.set()
        self._thread.join(timeout=5)
        self._server.close()

    def __enter__(self) -> "VirtualPrinter":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout: float = 30.0) -> list[bytes]:
        """Block until `count` jobs (closed connections) have arrived; returns all jobs."""
        with self._done:
            self._done.wait_for(lambda: len(self.jobs) >= count, timeout=timeout)
            return list(self.jobs)

    def _status_byte(self, request: int) -> int:
        fixed = 0x12  # bits 1 and 4 are always set in DLE EOT answers
        if request == PRINTER_STATUS:
            return fixed | (0x08 if self.offline or self.paper_out or self.cover_open else 0)
        if request == OFFLINE_CAUSE:
            return fixed | (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        if request == PAPER_SENSOR:
            return fixed | (0x6C if self.paper_out else 0)
        return fixed

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            connection.settimeout(None)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        received = bytearray()
        scanned = 0
        with connection:
            while chunk := connection.recv(65536):
                received += chunk
                requests, scanned = status_requests(received, scanned)
                for request in requests:
                    connection.sendall(bytes([self._status_byte(request)]))
        if _status_queries_only(bytes(received)):  # a health check, not a print job
            return
        with self._done:
            self.jobs.append(bytes(received))
            if self._out is not None:
                (self._out / f"job-{len(self.jobs):04d}.bin").write_bytes(received)
            self._done.notify_all()


RASTER_IMAGE = b"\x1dv0"
"""GS v 0 m xL xH yL yH, then xL+xH*256 bytes a row for yL+yH*256 rows: image bytes, never commands."""


def status_requests(data: bytearray, start: int) -> tuple[list[int], int]:
    """The DLE EOT requests in `data` from `start` on, and where to look when more data arrives.

    Raster images are skipped whole: their bytes may happen to read DLE EOT, and an answer the client
    never reads would make it close with a reset and lose the job.
    """
    requests: list[int] = []
    position = start
    while True:
        found, image = data.find(DLE_EOT, position), data.find(RASTER_IMAGE, position)
        if image >= 0 and (found < 0 or image < found):
            if image + 8 > len(data):
                return requests, image
            row_bytes = int.from_bytes(data[image + 4 : image + 6], "little")
            rows = int.from_bytes(data[image + 6 : image + 8], "little")
            end = image + 8 + row_bytes * rows
            if end > len(data):
                return requests, image
            position = end
            continue
        if found >= 0 and found + 2 < len(data):
            requests.append(data[found + 2])
            position = found + 3
            continue
        return requests, found if found >= 0 else max(position, len(data) - 2)


def _status_queries_only(data: bytes) -> bool:
    """True for a connection that only asked DLE EOT questions (or sent nothing)."""
    return all(data[i : i + 2] == DLE_EOT for i in range(0, len(data), 3)) and len(data) % 3 == 0


def main() -> None:
    """Run a virtual printer in the foreground."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--out", type=Path, help="write each job's bytes to this directory")
    arguments = parser.parse_args()
    printer = VirtualPrinter(host=arguments.host, port=arguments.port, out=arguments.out).start()
    print(f"virtual printer on {arguments.host}:{printer.port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
