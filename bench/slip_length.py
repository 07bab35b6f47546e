"""How long is a five-person move-in slip on 80 mm paper, in every kiosk language and every way a profile can
print it? Issue 13's target: at most 22 cm (half the 44 cm of before).

Each slip goes through the real `SlipPrinter` to a `VirtualPrinter`, and the ESC/POS bytes it received are
measured (testbed/escpos_decode.py): raster images and native QR codes exactly, text printed in the
printer's Kanji mode by the Epson TM series' line-feed rule (1/6 inch a line, more for enlarged characters),
so the Kanji-mode figures are a model of that printer, not paper. The feed to the cutter is left out.

    .venv/bin/python -m bench.slip_length
"""

import tempfile
from pathlib import Path
from typing import Literal

from edge_agent.hardware.printer import SlipPrinter
from edge_agent.hardware.printer.emulator import VirtualPrinter
from edge_agent.kiosk.i18n import LANGUAGES
from edge_agent.profile import NetworkPrinter
from testbed.escpos_decode import decode
from testbed.slips import five_person_slip

TARGET_CM = 22.0
MODES: list[tuple[Literal["kanji", "raster"], Literal["native", "raster"]]] = [
    ("raster", "native"),
    ("raster", "raster"),
    ("kanji", "native"),
]
"""(japanese, qr) as a profile's `[printer]` names them; pi5-standard prints raster text and a native QR."""


def main() -> None:
    with VirtualPrinter() as virtual, tempfile.TemporaryDirectory() as tmp:
        slips = {language: five_person_slip(Path(tmp), language) for language in LANGUAGES}
        print(f"five-person move-in slip, 80 mm paper (576 dots), target ≤ {TARGET_CM:.0f} cm")
        print(
            f"{'language':10}" + "".join(f"{japanese + ' text, ' + qr + ' QR':>26}" for japanese, qr in MODES)
        )
        longest = dict.fromkeys(MODES, 0.0)
        for language, slip in slips.items():
            row = f"{language:10}"
            for japanese, qr in MODES:
                printer = SlipPrinter(
                    NetworkPrinter(host="127.0.0.1", port=virtual.port, japanese=japanese, qr=qr)
                )
                before = len(virtual.jobs)
                printer.print_slip(slip)
                length = decode(virtual.wait_for_jobs(before + 1)[before]).paper_cm
                longest[(japanese, qr)] = max(longest[(japanese, qr)], length)
                row += f"{length:>23.1f} cm"
            print(row)
        for (japanese, qr), length in longest.items():
            verdict = "within" if length <= TARGET_CM else "OVER"
            print(f"longest, {japanese} text with {qr} QR: {length:.1f} cm ({verdict} the target)")


if __name__ == "__main__":
    main()
