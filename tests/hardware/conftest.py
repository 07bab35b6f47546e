"""The real PC/SC stack for the card tests: pcscd with vpcd, and a virtual card in slot 1.

Slot 1 ("Virtual PCD 00 01") is used so a `make demo` running on the same machine (slot 0) is not disturbed.
"""

import pytest

from edge_agent.hardware.card_emulator.vpcd import reader_name
from protocol.facts import Person

SLOT = 1
READER = reader_name(SLOT)

LONG_ADDRESS = "".join(
    ("北海道札幌市中央区北一条西二丁目１２３番地４５６", "　札幌中央ハイツ３丁目東棟第二別館１２０３号室")
)


@pytest.fixture
def person() -> Person:
    assert len(LONG_ADDRESS.encode()) > 127
    return Person(name="山田　太郎", address=LONG_ADDRESS, birth_date="1980-02-29", sex="1")
