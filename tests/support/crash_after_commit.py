"""Run `madoguchi ...` with central's ingest dying right after its first commit, before it acks.

Only the ack step is replaced; the broker, database, keys and ingest are all real.
"""

import os

from central.ingest import consumer
from central.ingest.ingester import BatchResult
from madoguchi.cli import main


async def _die_before_ack(_self: consumer.Consumer, _client: object, result: BatchResult) -> None:
    if result.stored:
        os._exit(3)


if __name__ == "__main__":  # central's crypto workers (spawn) import this file too
    consumer.Consumer._ack = _die_before_ack  # type: ignore[method-assign,assignment]
    main()
