"""Run `madoguchi ...` with central dying right after an ingest worker's first commit, before it acks.

Only the ack step is replaced; the broker, database, keys and ingest are all real. The patch is applied at
import, so it is also in force in the ingest workers (spawned interpreters import this file as their main
module); the worker that commits first takes central's main process down with it, as a power cut would.
"""

import os
import signal

from central.ingest import consumer
from central.ingest.ingester import BatchResult
from madoguchi.cli import main


async def _die_before_ack(_self: consumer.Consumer, _client: object, result: BatchResult) -> None:
    if result.stored:
        os.kill(os.getppid(), signal.SIGKILL)
        os._exit(3)


consumer.Consumer._ack = _die_before_ack  # type: ignore[method-assign,assignment]

if __name__ == "__main__":
    main()
