"""The slip prints the ticket's status page (text and QR); unit and central derive the same opaque token."""

import zxingcpp

from edge_agent.hardware.printer import CounterStop, Slip
from edge_agent.hardware.printer.layout import QrCode, Text, slip_blocks, stacked
from edge_agent.hardware.printer.raster import draw_blocks
from protocol.ids import uuid7
from protocol.queue import STATUS_TOKEN_CHARS, status_token, status_url

PAPER_DOTS = 576
"""80 mm paper at 203 dpi."""


def test_the_status_url_is_short_unguessable_and_derived_from_the_submission_id() -> None:
    first, second = str(uuid7()), str(uuid7())
    token = status_token(first)
    assert token == status_token(first)  # the unit offline and central compute the same token
    assert token != status_token(second)
    assert len(token) == STATUS_TOKEN_CHARS
    assert token.isalnum()
    assert first not in token
    assert status_url("https://madoguchi.city.example/", first) == f"https://madoguchi.city.example/t/{token}"


def test_the_slip_prints_the_status_page_as_text_and_qr() -> None:
    url = status_url("https://madoguchi.city.example", str(uuid7()))
    slip = Slip(
        office="みどり市 本庁舎",
        ticket="A012",
        language="en",
        stops=[CounterStop(name="市民課")],
        qr_text="CASEQR",
        status_url=url,
    )
    blocks = slip_blocks(slip)
    assert QrCode(url) in stacked(blocks)
    assert Text(url) in stacked(blocks)
    image = draw_blocks(blocks, PAPER_DOTS).convert("L")
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    assert {code.text for code in zxingcpp.read_barcodes(image, formats=formats)} == {url, "CASEQR"}
    assert QrCode(url) not in stacked(slip_blocks(Slip(office="x", ticket="A1", language="ja", stops=[])))
