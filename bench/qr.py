"""How reliably and how fast the counter unit's camera path reads our slips' QR codes.

Photos (bench/qr_photos.py) of printed case QRs (Base45 payloads, QR versions 10 to 25, at the module size an
80 mm slip prints): the handheld set the first decoder's fallbacks were tuned on ("tuned"), and conditions
nothing was tuned on, each from its own seed stream: faded thermal print with dead head dots, glare, strong
motion blur, a shadow edge, curled paper, a small code far away, over-exposure, creased paper, a 640x480
webcam, colour frames turned grey; and frames of a slip without a code ("empty": most frames at the kiosk).

Prints, per condition and overall, the share read exactly and the time per frame (mean, 95th percentile) of
the Madoguchi chain (`decode_frame`), zxing-cpp alone and pyzbar alone, measured in the same run, and the
issue's targets. Decode steps are chosen on other seeds than the default one reported (docs/hardware.md).

    .venv/bin/python -m bench.qr [--count 100] [--seed 1] [--conditions tuned,faded,...] [--save DIR]
"""

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from bench.qr_photos import CONDITIONS, Array, counter_set, sample_set
from edge_agent.hardware.qr import decode_frame

TARGET = 0.99
BUDGET_MS = 57.0
"""Issue 9's time budget: the chain's mean time per frame (code and empty frames) may not exceed what the
chain before it took, 57 ms. Absolute, so only meaningful on a machine no busier than the build machine."""


def zxing_alone(frame: Array) -> list[str]:
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in zxingcpp.read_barcodes(frame, formats=formats)]


def pyzbar_alone(frame: Array) -> list[str]:
    return [symbol.data.decode("latin-1") for symbol in zbar_decode(frame, symbols=[ZBarSymbol.QRCODE])]


DECODERS: dict[str, Callable[[Array], list[str]]] = {
    "chain": decode_frame,
    "zxing-cpp": zxing_alone,
    "pyzbar": pyzbar_alone,
}


@dataclass
class Tally:
    """One decoder on one condition: frames read exactly (or wrongly, on empty frames) and seconds each."""

    read: int = 0
    wrong: int = 0
    times: list[float] = field(default_factory=list)

    def add(self, expected: str, found: list[str], seconds: float) -> None:
        self.times.append(seconds)
        self.read += bool(expected) and expected in found
        self.wrong += any(text != expected for text in found)

    def merge(self, other: "Tally") -> "Tally":
        return Tally(self.read + other.read, self.wrong + other.wrong, self.times + other.times)

    def mean_ms(self) -> float:
        return float(np.mean(self.times) * 1000)

    def cell(self, frames: int, empty: bool) -> str:
        times = np.array(self.times) * 1000
        share = f"{self.wrong} wrong" if empty else f"{self.read / frames:6.1%}"
        return f"{share:>8} {times.mean():4.0f}/{np.percentile(times, 95):3.0f} ms"


def photos(condition: str, count: int, seed: int) -> list[tuple[str, Array]]:
    return sample_set(count, seed) if condition == "tuned" else counter_set(condition, count, seed)


def measure(samples: list[tuple[str, Array]]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in DECODERS}
    for expected, frame in samples:
        for name, decoder in DECODERS.items():
            start = time.perf_counter()
            found = decoder(frame)
            tallies[name].add(expected, found, time.perf_counter() - start)
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100, help="photos per condition")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--conditions", default=",".join(["tuned", *CONDITIONS, "empty"]))
    parser.add_argument("--save", type=Path, help="also write the photos here as JPEG")
    arguments = parser.parse_args()
    conditions = arguments.conditions.split(",")
    print(
        f"{arguments.count} photos per condition, seed {arguments.seed}, {os.cpu_count()} CPUs; share read "
        f"exactly, time per frame mean/p95"
    )
    print(f"{'condition':12} " + "".join(f"{name:>22}" for name in DECODERS))
    totals = {name: Tally() for name in DECODERS}
    every = {name: Tally() for name in DECODERS}
    frames = 0
    for condition in conditions:
        samples = photos(condition, arguments.count, arguments.seed)
        if arguments.save:
            arguments.save.mkdir(parents=True, exist_ok=True)
            for index, (_, frame) in enumerate(samples):
                cv2.imwrite(str(arguments.save / f"{condition}-{index:04d}.jpg"), frame)
        tallies = measure(samples)
        empty = condition == "empty"
        print(f"{condition:12} " + "".join(f"{t.cell(len(samples), empty):>22}" for t in tallies.values()))
        every = {name: every[name].merge(tallies[name]) for name in DECODERS}
        if not empty:
            totals = {name: totals[name].merge(tallies[name]) for name in DECODERS}
            frames += len(samples)
    if not frames:
        return
    print(f"{'all codes':12} " + "".join(f"{t.cell(frames, False):>22}" for t in totals.values()))
    report(totals, every, frames)


def report(totals: dict[str, Tally], every: dict[str, Tally], frames: int) -> None:
    chain, zxing, _ = (totals[name] for name in DECODERS)
    print(
        "time per frame, every frame (code and empty), mean: "
        + ", ".join(f"{name} {every[name].mean_ms():.1f} ms" for name in DECODERS)
    )
    print("wrong payloads in code frames: " + ", ".join(f"{name} {totals[name].wrong}" for name in DECODERS))
    targets = [
        (f"chain reads >= {TARGET:.0%} overall", chain.read / frames >= TARGET),
        ("chain reads >= zxing-cpp alone", chain.read >= zxing.read),
        (f"chain's mean time per frame <= {BUDGET_MS:.0f} ms", every["chain"].mean_ms() <= BUDGET_MS),
    ]
    for target, met in targets:
        print(f"target: {target}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
