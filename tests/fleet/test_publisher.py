"""Central's publishing session (`state.publisher`): as `central-publisher` on the city's broker it publishes
an office's queue state, retained, and it comes back by itself after a broker restart."""

import asyncio

import aiomqtt

from central.fleet.dynsec import CENTRAL_PUBLISHER
from central.fleet.publisher import CentralPublisher
from central.fleet.setup import client_files
from protocol import topics
from protocol.urls import parse_broker_url
from testbed.broker import Broker


async def retained(broker: Broker, topic: str) -> bytes:
    """The retained message on topic, as a reader that subscribes now gets it."""
    async with broker.client("test-queue-reader") as reader:
        await reader.subscribe(topic, qos=1)
        async with asyncio.timeout(10):
            message: aiomqtt.Message = await anext(reader.messages)
    assert isinstance(message.payload, bytes)
    return message.payload


async def test_the_publisher_pushes_retained_queue_state_and_survives_a_broker_restart(
    broker: Broker,
) -> None:
    assert broker.central_data is not None
    publisher = CentralPublisher(
        parse_broker_url(broker.url), client_files(broker.central_data, CENTRAL_PUBLISHER)
    )
    session = asyncio.create_task(publisher.run())
    try:
        topic = topics.office_queue("honcho")
        await publisher.publish(topic, b'{"calling": "A001"}', retain=True)
        assert await retained(broker, topic) == b'{"calling": "A001"}'

        broker.stop()
        async with asyncio.timeout(30):
            while publisher.connected:  # noqa: ASYNC110 - the session's own flag
                await asyncio.sleep(0.05)
        broker.start()
        await publisher.publish(topic, b'{"calling": "A002"}', retain=True)  # waits for the new session
        assert await retained(broker, topic) == b'{"calling": "A002"}'
    finally:
        session.cancel()
