"""The PC/SC driver against pcscd + vpcd + the virtual card: no mocks between pyscard and the card."""

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest

from edge_agent.hardware.card import apdu
from edge_agent.hardware.card.errors import (
    CardRemovedError,
    LastTryRefusedError,
    MalformedCardDataError,
    NoCardError,
    NoReaderError,
    NotMyNumberCardError,
    PinBlockedError,
    WrongPinError,
)
from edge_agent.hardware.card.pcsc import PcscCardReader
from edge_agent.hardware.card.tlv import encode_basic_four
from edge_agent.hardware.card_emulator import CardFaults, VirtualCard, VpcdCard
from protocol.facts import Person

from .conftest import READER, SLOT

pytestmark = pytest.mark.usefixtures("pcsc_stack")


Insert = Callable[..., VirtualCard]


@pytest.fixture
def reader() -> PcscCardReader:
    return PcscCardReader(READER)


@pytest.fixture
def insert(person: Person) -> Iterator[Insert]:
    inserted: list[VpcdCard] = []

    def _insert(**options: object) -> VirtualCard:
        card = VirtualCard(person, **options)  # type: ignore[arg-type]  # the test's own keyword arguments
        slot = VpcdCard(card, slot=SLOT)
        slot.insert()
        inserted.append(slot)
        return card

    yield _insert
    for slot in inserted:
        slot.remove()


def test_reads_the_basic_four_exactly(reader: PcscCardReader, insert: Insert, person: Person) -> None:
    card = insert()
    assert reader.read_basic_four("1234") == person
    commands = [entry.command for entry in card.log]
    assert commands[0] == apdu.select_df(apdu.INPUT_SUPPORT_AID)
    assert len(commands) == 4
    assert commands[-1] == apdu.read_binary_sfi(0x02, 0, 256)
    assert encode_basic_four(person)[2] == 0x81  # the long length form was on the card
    assert card.tries_left == 3


def test_wrong_pin_decrements_tries(reader: PcscCardReader, insert: Insert) -> None:
    card = insert()
    with pytest.raises(WrongPinError) as caught:
        reader.read_basic_four("9999")
    assert caught.value.tries_left == 2
    assert card.tries_left == 2
    assert reader.tries_left() == 2


def test_one_try_left_sends_no_verify_with_data(reader: PcscCardReader, insert: Insert) -> None:
    card = insert(tries_left=1)
    with pytest.raises(LastTryRefusedError):
        reader.read_basic_four("1234")
    assert card.verify_commands() == []
    assert card.tries_left == 1


def test_last_wrong_pin_blocks_then_blocked(reader: PcscCardReader, insert: Insert) -> None:
    card = insert(tries_left=2)
    with pytest.raises(WrongPinError):
        reader.read_basic_four("0000")
    card.tries_left = 0
    with pytest.raises(PinBlockedError):
        reader.read_basic_four("1234")
    assert card.verify_commands() == [apdu.verify(apdu.EF_PIN, b"0000")]


def test_removal_mid_read(reader: PcscCardReader, insert: Insert) -> None:
    insert(faults=CardFaults(remove_on_read=True))
    with pytest.raises(CardRemovedError):
        reader.read_basic_four("1234")


def test_garbled_tlv_is_a_clear_error(reader: PcscCardReader, insert: Insert) -> None:
    insert(faults=CardFaults(garbled_data=True))
    with pytest.raises(MalformedCardDataError):
        reader.read_basic_four("1234")


def test_other_card(reader: PcscCardReader, insert: Insert) -> None:
    insert(faults=CardFaults(wrong_application=True))
    with pytest.raises(NotMyNumberCardError):
        reader.read_basic_four("1234")


def test_no_card_and_no_reader() -> None:
    with pytest.raises(NoCardError):
        PcscCardReader(READER).read_basic_four("1234")
    with pytest.raises(NoReaderError):
        PcscCardReader("No Such Reader").read_basic_four("1234")
    assert PcscCardReader("No Such Reader").state() == "no_reader"


def test_my_number_needs_a_reason(reader: PcscCardReader, insert: Insert) -> None:
    insert()
    with pytest.raises(ValueError, match="reason"):
        reader.read_my_number("1234", reason=" ")
    assert reader.read_my_number("1234", reason="マイナンバー記載の住民票") == "123456789018"


def test_insert_and_remove_events(reader: PcscCardReader, person: Person) -> None:
    events: list[str] = []
    changed = threading.Condition()

    def on_event(event: str) -> None:
        with changed:
            events.append(event)
            changed.notify_all()

    stop = reader.watch(on_event)
    try:
        slot = VpcdCard(VirtualCard(person), slot=SLOT)
        slot.insert()
        with changed:
            assert changed.wait_for(lambda: "inserted" in events, timeout=30)
        slot.remove()
        with changed:
            assert changed.wait_for(lambda: "removed" in events, timeout=30)
    finally:
        stop()
    assert events == ["inserted", "removed"]


def test_slow_card_still_reads(reader: PcscCardReader, insert: Insert, person: Person) -> None:
    insert(faults=CardFaults(delay_seconds=0.3))
    assert reader.read_basic_four("1234") == person


def test_basic_four_longer_than_one_read(reader: PcscCardReader, insert: Insert, person: Person) -> None:
    long_person = msgspec.structs.replace(person, address=person.address * 3)
    card = insert()
    card.person = long_person
    assert reader.read_basic_four("1234") == long_person
    reads = [entry.command for entry in card.log if entry.command[1] == apdu.INS_READ_BINARY]
    assert reads[0] == apdu.read_binary_sfi(0x02, 0, 256)
    assert reads[1][2:4] == (256).to_bytes(2, "big")  # the rest, by offset from the now current EF
    assert len(reads) == 2


def test_card_without_short_file_ids(reader: PcscCardReader, insert: Insert, person: Person) -> None:
    card = insert(faults=CardFaults(no_short_ids=True))
    assert reader.read_basic_four("1234") == person
    commands = [entry.command for entry in card.log]
    assert apdu.select_ef(apdu.EF_PIN) in commands
    assert apdu.select_ef(apdu.EF_BASIC_FOUR) in commands
    assert card.verify_commands() == [apdu.verify(0, b"1234")]
    assert card.tries_left == 3


def test_nothing_personal_is_logged(
    reader: PcscCardReader, insert: Insert, person: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    insert()
    reader.read_basic_four("1234")
    with pytest.raises(WrongPinError):
        reader.read_basic_four("4321")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "basic four facts read" in logged
    for secret in ("1234", "4321", person.name, person.address, "1980", person.name.split("\u3000")[0]):
        assert secret not in logged


def test_without_pcscd(tmp_path: Path) -> None:
    script = (
        "from edge_agent.hardware.card.pcsc import PcscCardReader\n"
        "from edge_agent.hardware.card.errors import NoReaderError\n"
        "reader = PcscCardReader('Virtual PCD 00 01')\n"
        "assert reader.state() == 'no_reader'\n"
        "try:\n"
        "    reader.read_basic_four('1234')\n"
        "except NoReaderError as error:\n"
        "    print(error)\n"
    )
    environment = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "pcscd" in done.stdout


def test_concurrent_reads_do_not_interleave(reader: PcscCardReader, insert: Insert, person: Person) -> None:
    card = insert()
    results: list[Person] = []
    threads = [
        threading.Thread(target=lambda: results.append(reader.read_basic_four("1234"))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [person, person]
    instructions = [entry.command[1] for entry in card.log]
    session = [apdu.INS_SELECT, apdu.INS_VERIFY, apdu.INS_VERIFY, apdu.INS_READ_BINARY]
    assert instructions == session * 2
