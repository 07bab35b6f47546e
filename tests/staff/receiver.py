"""A real webhook receiver for tests: verifies signatures and fails the first attempts on purpose."""

import hashlib
import hmac
import http.server
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from testbed.processes import free_port


@dataclass
class Receiver:
    """Answers `fail_first` 500s per delivery, then 200 (or `status` when set); records what it accepted."""

    secret: str = ""
    fail_first: int = 0
    status: int = 200
    accepted: list[dict[str, Any]] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    bad_signatures: int = 0
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def verified(self, headers: Any, body: bytes) -> bool:
        parts = dict(item.split("=", 1) for item in headers["X-Madoguchi-Signature"].split(","))
        mac = hmac.new(self.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(mac, parts["v1"])

    def handle(self, headers: Any, body: bytes) -> int:
        delivery = headers["X-Madoguchi-Delivery"]
        self.attempts[delivery] += 1
        if not self.verified(headers, body):
            self.bad_signatures += 1
            return 401
        if self.attempts[delivery] <= self.fail_first:
            return 500
        if self.status == 200:
            self.accepted.append(json.loads(body))
        return self.status

    def start(self) -> "Receiver":
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(receiver.handle(self.headers, body))
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                """Quiet."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
