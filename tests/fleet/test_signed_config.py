"""The signed configuration and command formats, the counter keys' grace period, and what an outbox wipe
refuses: everything a unit or central decides before any broker is involved."""

import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from central.fleet.counter_keys import GRACE, load_counter_keys, rotate, rotated_for
from edge_agent.outbox import Outbox
from protocol.config import (
    MAX_COMMAND_TTL_MS,
    Command,
    ConfigDocument,
    UnitSettings,
    new_command,
    open_command,
    open_config,
    sign_command,
    sign_config,
)
from protocol.qr_seal import CaseQr, CounterKey, QrError, open_qr_with, seal_qr
from protocol.signed import SignatureRefused
from testbed.households import citizen

CENTRAL = ed25519.Ed25519PrivateKey.generate()
PROTOCOL_DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
NOW_MS = 1_780_000_000_000


def document(**changes: object) -> ConfigDocument:
    fields: dict[str, object] = {
        "v": 1,
        "device_id": "cu-a",
        "version": 3,
        "issued_ms": NOW_MS,
        "profile": "emulated",
        "counter_key": bytes(range(32)),
        "settings": UnitSettings(ticket_prefix="B", idle_seconds=120),
    }
    return ConfigDocument(**{**fields, **changes})  # type: ignore[arg-type]


def refusal(payload: bytes, applied_ms: int = 0) -> str:
    with pytest.raises(SignatureRefused) as refused:
        open_config(payload, "cu-a", CENTRAL.public_key(), applied_ms)
    return str(refused.value)


def test_a_signed_configuration_opens_for_its_unit() -> None:
    opened = open_config(sign_config(CENTRAL, document()), "cu-a", CENTRAL.public_key(), 0)
    assert opened == document()
    assert open_config(sign_config(CENTRAL, document()), "cu-a", CENTRAL.public_key(), NOW_MS) == document()


def test_tampered_unsigned_forged_foreign_and_older_configurations_are_refused() -> None:
    signed = sign_config(CENTRAL, document())
    wrapper = json.loads(signed)
    inner = json.loads(msgspec.json.decode(signed, type=dict[str, bytes])["doc"])
    inner["settings"]["ticket_prefix"] = "Z"
    wrapper["doc"] = msgspec.json.encode(msgspec.json.encode(inner)).decode().strip('"')
    assert refusal(json.dumps(wrapper).encode()).startswith("signature invalid")
    assert refusal(msgspec.json.encode(document())).startswith("unsigned")
    assert refusal(b"\xff\xfe not json").startswith("unsigned")
    forged = sign_config(ed25519.Ed25519PrivateKey.generate(), document())
    assert refusal(forged).startswith("signature invalid")
    assert refusal(sign_config(CENTRAL, document(device_id="cu-b"))) == "configuration for another unit"
    assert refusal(signed, applied_ms=NOW_MS + 1).startswith("configuration older")
    assert refusal(signed + b" " * 9000).startswith("oversized")


def test_a_signed_document_outside_its_schema_is_refused() -> None:
    bad = document(settings=UnitSettings(ticket_prefix="lowercase"))  # msgspec checks only on decoding
    assert refusal(sign_config(CENTRAL, bad)).startswith("signed but invalid")


def test_a_configuration_signature_never_passes_for_a_command() -> None:
    command = new_command("cu-a", "reload", NOW_MS)
    as_config = sign_config(CENTRAL, document())
    with pytest.raises(SignatureRefused, match="signature invalid"):
        open_command(as_config, "cu-a", CENTRAL.public_key(), NOW_MS, set())
    assert (
        open_command(sign_command(CENTRAL, command), "cu-a", CENTRAL.public_key(), NOW_MS, set()) == command
    )


def test_replayed_expired_and_overlong_commands_are_refused() -> None:
    command = new_command("cu-a", "wipe_local_data", NOW_MS)
    signed = sign_command(CENTRAL, command)
    central = CENTRAL.public_key()
    with pytest.raises(SignatureRefused, match="already run"):
        open_command(signed, "cu-a", central, NOW_MS + 1000, {command.id})
    with pytest.raises(SignatureRefused, match="expired"):
        open_command(signed, "cu-a", central, command.expires_ms + 1, set())
    with pytest.raises(SignatureRefused, match="another unit"):
        open_command(signed, "cu-b", central, NOW_MS, set())
    overlong = Command(
        v=1,
        device_id="cu-a",
        id="0" * 32,
        name="reload",
        issued_ms=NOW_MS,
        expires_ms=NOW_MS + MAX_COMMAND_TTL_MS + 1,
    )
    with pytest.raises(SignatureRefused, match="impossible validity"):
        open_command(sign_command(CENTRAL, overlong), "cu-a", central, NOW_MS, set())
    assert new_command("cu-a", "reload", NOW_MS, ttl_ms=10**9).expires_ms == NOW_MS + MAX_COMMAND_TTL_MS


def case_qr(counter: CounterKey, signer: ed25519.Ed25519PrivateKey) -> str:
    payload = CaseQr(
        "0" * 8, "A001", "honcho", "cu-a", "2026-01-01T09:00:00+09:00", citizen(random.Random(1), 1)
    )
    return seal_qr(payload, counter=counter, issuer="cu-a", signer=signer)


def test_after_a_rotation_slips_sealed_to_the_previous_key_open_for_the_grace_period(tmp_path: Path) -> None:
    first = load_counter_keys(tmp_path)
    assert first.usable == (first.current,)
    assert first.previous is None
    signer = ed25519.Ed25519PrivateKey.generate()
    morning_slip = case_qr(first.current, signer)
    rotated_at = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
    new = rotate(tmp_path, "cu-lost", rotated_at)
    assert rotated_for(tmp_path) == "cu-lost"
    during = load_counter_keys(tmp_path, rotated_at + GRACE - timedelta(minutes=1))
    assert during.current.raw == new.raw
    assert during.previous is not None
    assert during.previous.raw == first.current.raw
    assert open_qr_with(morning_slip, during.usable).issuer == "cu-a"
    assert open_qr_with(case_qr(new, signer), during.usable).issuer == "cu-a"
    after = load_counter_keys(tmp_path, rotated_at + GRACE)
    assert after.usable == (after.current,)
    with pytest.raises(QrError):
        open_qr_with(morning_slip, after.usable)
    stranger = case_qr(CounterKey(x25519.X25519PrivateKey.generate()), signer)  # a key no one here holds
    with pytest.raises(QrError):
        open_qr_with(stranger, during.usable)


def test_wiping_local_data_refuses_while_central_lacks_a_submission(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    receipt = outbox.submit(lambda allocation: b"sealed", "key-1")
    assert outbox.wipe() == 1
    assert outbox.depth() == 1
    assert outbox.submit(lambda allocation: b"again", "key-1").replayed  # nothing was wiped
    outbox.acknowledge([receipt.submission_id])
    assert outbox.wipe() == 0
    assert not outbox.submit(lambda allocation: b"new", "key-1").replayed  # the receipts are gone
    outbox.set_ticket_prefix("C")
    assert outbox.submit(lambda allocation: b"prefixed").ticket.startswith("C")
    outbox.close()


def test_the_documented_configuration_vector() -> None:
    block = PROTOCOL_DOC.read_text().split("## Signed configuration and commands", 1)[1].split("\n## ", 1)[0]
    vector = dict(re.findall(r"^(\w+): (.+)$", block, flags=re.MULTILINE))
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["central_signing_private_key"]))
    document = msgspec.json.decode(vector["config_json"], type=ConfigDocument)
    assert sign_config(key, document).decode() == vector["config_payload"]
    opened = open_config(vector["config_payload"].encode(), "cu-0123456789", key.public_key(), 0)
    assert msgspec.json.encode(opened).decode() == vector["config_json"]
