"""Defect 2's root: a session that fails for any reason is logged without its message and started again."""

import asyncio
import logging

import aiomqtt
import pytest

from protocol.mqtt import run_connected
from testbed.broker import Broker


async def test_any_failure_restarts_the_session_and_logs_no_message(
    broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    sessions = 0
    failures = 0
    third = asyncio.Event()

    async def work(_client: aiomqtt.Client) -> None:
        nonlocal sessions
        sessions += 1
        if sessions < 3:
            raise ValueError("山田　太郎 is not a valid relation")  # a message that quotes personal data
        third.set()
        await asyncio.Event().wait()

    def failed() -> None:
        nonlocal failures
        failures += 1

    caplog.set_level(logging.ERROR)
    task = asyncio.create_task(
        run_connected(
            lambda: broker.client("supervised"),
            work,
            name="test link",
            on_failure=failed,
            min_backoff=0.05,
        )
    )
    await asyncio.wait_for(third.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert failures == 2
    assert "ValueError at" in caplog.text
    assert "山田" not in caplog.text
