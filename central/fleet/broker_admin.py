"""Change the running broker's access rules: admit a newly enrolled unit, remove a revoked one.

Requests go to the dynamic-security plugin's API (`$CONTROL/dynamic-security/v1`) as `central-admin`, over
a short connection each: the broker forces the client id to the certificate's CN, so two long-lived admin
sessions (central's and an IT command's) would push each other off; a short one that is pushed off simply
tries again. Each request carries correlation data, and only the answer that carries it back counts.
Nothing here logs keys or payloads.
"""

import asyncio
import json
import uuid
from dataclasses import dataclass

import aiomqtt

from central.fleet.dynsec import CENTRAL_ADMIN, DYNSEC_API, EnrolledUnit, removal_commands, unit_commands
from protocol.mqtt import TlsFiles, make_client
from protocol.urls import BrokerAddress

ATTEMPTS = 3
ANSWER_TIMEOUT = 10.0
ALREADY = frozenset({"Role already exists", "Client already exists"})
GONE = frozenset({"Client not found", "Role not found"})


class BrokerAdminError(RuntimeError):
    """The broker could not be reached, did not answer, or refused a command."""


@dataclass(frozen=True, slots=True)
class BrokerAdmin:
    """Where the broker is, and central-admin's files."""

    broker: BrokerAddress
    tls: TlsFiles | None

    async def admit(self, unit: EnrolledUnit) -> None:
        """Let a unit in: its role (own topics, its office's queue) and its client (already there is fine)."""
        await self.send(unit_commands(unit), tolerated=ALREADY)

    async def remove(self, unit_id: str) -> None:
        """Remove a unit's client and role; the broker drops its connection at once (already gone is fine)."""
        await self.send(removal_commands(unit_id), tolerated=GONE)

    async def send(self, commands: list[dict[str, object]], tolerated: frozenset[str] = frozenset()) -> None:
        """Send dynamic-security commands; BrokerAdminError on any error the caller does not tolerate."""
        failure: Exception | None = None
        for attempt in range(ATTEMPTS):
            try:
                answers = await asyncio.wait_for(self._exchange(commands), ANSWER_TIMEOUT)
            except (aiomqtt.MqttError, TimeoutError, OSError) as exc:
                failure = exc
                await asyncio.sleep(0.2 * (attempt + 1))
                continue
            errors = [str(a["error"]) for a in answers if "error" in a and a["error"] not in tolerated]
            if errors:
                raise BrokerAdminError(f"the broker refused: {'; '.join(errors)}")
            return
        raise BrokerAdminError(f"the broker's admin API did not answer ({type(failure).__name__})")

    async def _exchange(self, commands: list[dict[str, object]]) -> list[dict[str, object]]:
        tag = uuid.uuid4().hex
        request = {
            "commands": [{**command, "correlationData": f"{tag}-{n}"} for n, command in enumerate(commands)]
        }
        async with make_client(self.broker, CENTRAL_ADMIN, tls=self.tls) as client:
            await client.subscribe(f"{DYNSEC_API}/response", qos=1)
            await client.publish(DYNSEC_API, json.dumps(request), qos=1)
            async for message in client.messages:
                payload = message.payload if isinstance(message.payload, bytes) else b"{}"
                answers: list[dict[str, object]] = json.loads(payload).get("responses", [])
                if answers and all(str(a.get("correlationData", "")).startswith(tag) for a in answers):
                    return answers
        raise aiomqtt.MqttError("the connection ended before the broker answered")
