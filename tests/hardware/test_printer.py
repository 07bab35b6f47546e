"""Slips printed to a virtual network printer (a real TCP server) and decoded back from the bytes."""

import io
import os
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from PIL import Image, ImageChops
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from edge_agent.hardware.printer import (
    CounterStop,
    CoverOpenError,
    PaperOutError,
    PrinterOfflineError,
    PrinterUnreachableError,
    Slip,
    SlipHeadings,
    SlipPrinter,
)
from edge_agent.hardware.printer.emulator import RASTER_IMAGE, VirtualPrinter, status_requests
from edge_agent.hardware.printer.status import DLE_EOT
from edge_agent.profile import FilePrinter, NetworkPrinter
from protocol import base45
from testbed.escpos_decode import decode, stack

QR_TEXT = base45.encode(os.urandom(600))  # a case QR of the size our slips carry (version ~20)


@pytest.fixture
def slip() -> Slip:
    return Slip(
        office="中央区役所",
        ticket="A-012",
        language="en",
        stops=[
            CounterStop(
                name="市民課",
                floor="1F",
                location="3番窓口",
                procedures=["転入届", "マイナンバーカード住所変更"],
            ),
            CounterStop(
                name="保険年金課", floor="2F", location="12番窓口", procedures=["国民健康保険 加入", "ｶﾅ"]
            ),
        ],
        documents=["本人確認書類", "転出証明書"],
        qr_text=QR_TEXT,
        headings=SlipHeadings(
            ticket="受付番号 / Your number",
            stops="お回りいただく窓口 / Counters to visit",
            documents="お持ちいただくもの / Please bring",
            qr="このQRコードをお見せください / Show this QR code",
        ),
    )


@pytest.fixture
def virtual_printer() -> Iterator[VirtualPrinter]:
    with VirtualPrinter() as printer:
        yield printer


def printer_for(virtual: VirtualPrinter, **options: object) -> SlipPrinter:
    settings = NetworkPrinter(host="127.0.0.1", port=virtual.port, timeout=10.0, **options)  # type: ignore[arg-type]
    return SlipPrinter(settings)


def test_kanji_mode_text_and_native_qr(virtual_printer: VirtualPrinter, slip: Slip) -> None:
    printer_for(virtual_printer, japanese="kanji", qr="native").print_slip(slip)
    decoded = decode(virtual_printer.wait_for_jobs(1)[0])
    text = "\n".join(decoded.lines)
    for expected in (
        "中央区役所",
        "A-012",
        "□1 市民課 → 3番窓口",
        "転入届・マイナンバーカード住所変更",
        "□2 保険年金課 → 12番窓口",
        "国民健康保険 加入・ｶﾅ",
        "Please bring: 本人確認書",
        "類・転出証明書",
    ):
        assert expected in text
    assert "受付番号 / Your number" in text
    assert decoded.qr_payloads == [QR_TEXT.encode("ascii")]
    assert base45.decode(decoded.qr_payloads[0].decode("ascii"))
    assert decoded.status_requests == [1, 2, 4]
    assert decoded.images == []
    assert decoded.cut


def test_raster_mode_matches_the_preview_and_its_qr_decodes(
    virtual_printer: VirtualPrinter, slip: Slip
) -> None:
    printer = printer_for(virtual_printer, japanese="raster", qr="raster", width_dots=384)
    printer.print_slip(slip)
    decoded = decode(virtual_printer.wait_for_jobs(1)[0])
    assert decoded.lines == []
    assert decoded.qr_payloads == []
    printed = stack(decoded.images)
    preview = Image.open(io.BytesIO(printer.preview_png(slip))).convert("1")
    assert printed.size == preview.size
    assert ImageChops.difference(printed.convert("L"), preview.convert("L")).getbbox() is None
    symbols = zbar_decode(printed.convert("L"), symbols=[ZBarSymbol.QRCODE])
    assert [symbol.data.decode("ascii") for symbol in symbols] == [QR_TEXT]


def test_language_outside_cp932_falls_back_to_raster_lines(
    virtual_printer: VirtualPrinter, slip: Slip
) -> None:
    korean = SlipHeadings(ticket="접수 번호", stops="방문할 창구", documents="지참할 것", qr="QR 코드")
    printer_for(virtual_printer, japanese="kanji").print_slip(msgspec.structs.replace(slip, headings=korean))
    decoded = decode(virtual_printer.wait_for_jobs(1)[0])
    assert "□1 市民課 → 3番窓口" in decoded.lines
    assert not any("번호" in line for line in decoded.lines)
    assert len(decoded.images) == 4, "the four Korean headings are printed as images"


@pytest.mark.parametrize(
    ("state", "error"),
    [("paper_out", PaperOutError), ("cover_open", CoverOpenError), ("offline", PrinterOfflineError)],
)
def test_bad_state_is_reported_and_nothing_is_printed(
    virtual_printer: VirtualPrinter, slip: Slip, state: str, error: type[Exception]
) -> None:
    setattr(virtual_printer, state, True)
    printer = printer_for(virtual_printer)
    with pytest.raises(error):
        printer.print_slip(slip)
    assert virtual_printer.wait_for_jobs(1, timeout=1.0) == []  # it only asked for the status
    setattr(virtual_printer, state, False)
    printer.print_slip(slip)  # the same slip prints once the printer is fixed
    assert decode(virtual_printer.wait_for_jobs(1)[0]).qr_payloads == [QR_TEXT.encode("ascii")]


def test_status_and_unreachable_printer(virtual_printer: VirtualPrinter) -> None:
    status = printer_for(virtual_printer).status()
    assert status is not None
    assert status.online
    assert not status.paper_out
    virtual_printer.stop()
    with pytest.raises(PrinterUnreachableError):
        printer_for(virtual_printer).status()


def test_file_printer_has_no_status_but_prints(tmp_path: Path, slip: Slip) -> None:
    printer = SlipPrinter(FilePrinter(path=str(tmp_path / "lp0"), japanese="kanji"))
    assert printer.status() is None
    printer.print_slip(slip)
    decoded = decode((tmp_path / "lp0").read_bytes())
    assert decoded.status_requests == []
    assert "□2 保険年金課 → 12番窓口" in decoded.lines
    assert decoded.qr_payloads == [QR_TEXT.encode("ascii")]


def test_status_requests_are_found_outside_raster_images_only() -> None:
    image = RASTER_IMAGE + b"\x00" + (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + b"\x10\x04\x02"
    data = bytearray(DLE_EOT + b"\x01" + image + DLE_EOT + b"\x04")
    assert status_requests(data, 0) == ([1, 4], len(data))
    requests, resume = status_requests(data[:10], 0)  # the image has not all arrived
    assert (requests, resume) == ([1], 3)
    assert status_requests(data, resume)[0] == [4]
