"""QR reading from camera frames: photos of printed slips, through the folder camera too."""

import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno
import zxingcpp

from bench.qr_photos import (
    PAYLOAD_BYTES,
    Array,
    base_scene,
    counter_photo,
    photograph,
    printed_qr,
    sample_set,
)
from edge_agent.hardware.camera import CameraError, open_camera
from edge_agent.hardware.camera.folder import FolderSource
from edge_agent.hardware.printer.raster import qr_code
from edge_agent.hardware.qr import decode_frame
from edge_agent.hardware.qr_grid import (
    alignment_centres,
    fixed_patterns,
    redrawn_codes,
    sighted,
    symbol_side,
    version_information,
)
from edge_agent.hardware.qr_motion import streak_direction
from edge_agent.profile import FolderCamera, OpencvCamera
from protocol import base45

ALIGNMENT_PATTERN = np.array(
    [[1, 1, 1, 1, 1], [1, 0, 0, 0, 1], [1, 0, 1, 0, 1], [1, 0, 0, 0, 1], [1, 1, 1, 1, 1]]
)
VERSION_25 = base45.encode(np.random.default_rng(25).bytes(960))


def small_codes(count: int, seed: int) -> list[tuple[str, Array]]:
    """Photos of version 10 and 15 codes from the bench's tuned generator, mildly tilted."""
    samples = sample_set(count * len(PAYLOAD_BYTES), seed, tilt=0.03)
    return [(text, frame) for text, frame in samples if int(qr_code(text).version) <= 15][:count]


def faded_print(seed: int) -> Array:
    """The version 25 code printed faded (grey, patchy, a dead head dot), photographed at the counter."""
    rng = np.random.default_rng(seed)
    return counter_photo(printed_qr(VERSION_25), replace(base_scene(rng), fade=True), rng)


def curled_print(seed: int) -> Array:
    """The version 25 code on a slip whose end curls up off its roll, photographed at the counter."""
    rng = np.random.default_rng(seed)
    return counter_photo(printed_qr(VERSION_25), replace(base_scene(rng), curl=True), rng)


def creased_print(seed: int) -> Array:
    """The version 25 code on a slip folded four times across the code, photographed at the counter."""
    rng = np.random.default_rng(seed)
    return counter_photo(printed_qr(VERSION_25), replace(base_scene(rng), creases=4), rng)


def moving_print(seed: int) -> Array:
    """The version 25 code on a slip moved by 6 to 8 pixels while the shutter was open."""
    rng = np.random.default_rng(seed)
    scene = replace(base_scene(rng), motion=rng.uniform(6, 8), defocus=0.5)
    return counter_photo(printed_qr(VERSION_25), scene, rng)


def blurred_handheld(seed: int) -> Array:
    """The version 25 code from the tuned generator: defocused, tilted, low contrast, JPEG quality 40."""
    return photograph(printed_qr(VERSION_25), np.random.default_rng(seed), tilt=0.06)


def zxing_alone(frame: Array) -> list[str]:
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in zxingcpp.read_barcodes(frame, formats=formats)]


def drawn(symbol: segno.QRCode) -> Array:
    """A code drawn clean: 6 pixels a module, 4 modules of quiet zone."""
    dark = np.pad(np.array([list(row) for row in symbol.matrix]) & 1, 4)
    return np.kron(np.where(dark, 0, 255), np.ones((6, 6))).astype(np.uint8)


def test_slip_photos_decode_to_the_exact_payload() -> None:
    for text, frame in small_codes(4, seed=7):
        assert decode_frame(frame) == [text]
        assert base45.decode(text)


@pytest.mark.parametrize(
    "photo", [lambda: faded_print(1), lambda: blurred_handheld(29)], ids=["faded", "blurred"]
)
def test_version_25_photo_that_zxing_alone_misses_is_read_even_turned(photo: Callable[[], Array]) -> None:
    frame = photo()
    assert qr_code(VERSION_25).version == 25
    assert zxing_alone(frame) == [], "zxing-cpp reads this photo by itself now: pick a harder one"
    assert decode_frame(frame) == [VERSION_25]
    for turn in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180):
        assert decode_frame(np.ascontiguousarray(cv2.rotate(frame, turn))) == [VERSION_25]


def test_curled_slip_is_read_on_a_grid_bent_to_its_alignment_patterns() -> None:
    frame = curled_print(12)  # the chain before the grid bent (one homography) did not read it either
    assert zxing_alone(frame) == [], "zxing-cpp reads this photo by itself now: pick a harder one"
    assert decode_frame(frame) == [VERSION_25]


@pytest.mark.parametrize("seed", [11, 33, 38])
def test_creased_slip_is_read_once_the_grid_is_registered_against_its_first_drawing(seed: int) -> None:
    frame = creased_print(seed)
    assert zxing_alone(frame) == [], "zxing-cpp reads this photo by itself now: pick a harder one"
    first, *registered = redrawn_codes(sighted(frame), [])
    assert zxing_alone(first) == [], "the grid reads this photo without registering: pick a harder one"
    assert VERSION_25 in itertools.chain.from_iterable(zxing_alone(drawing) for drawing in registered)
    assert decode_frame(frame) == [VERSION_25]


@pytest.mark.parametrize("hidden", ["top right", "bottom left", "top left"])
def test_code_with_a_finder_out_of_the_frame_or_covered_is_read_from_the_other_two(hidden: str) -> None:
    rng = np.random.default_rng(7)
    frame = counter_photo(printed_qr(VERSION_25), replace(base_scene(rng), angle=0.0), rng)
    [whole] = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    corner = whole.position
    cut = 10 * (corner.top_right.x - corner.top_left.x) / symbol_side(25)  # 10 modules: the finder and more
    if hidden == "top right":  # the frame ends before the code does
        frame = frame[:, : int(max(corner.top_right.x, corner.bottom_right.x) - cut)]
    elif hidden == "bottom left":
        frame = frame[: int(max(corner.bottom_left.y, corner.bottom_right.y) - cut)]
    else:  # a thumb over the corner
        frame = frame.copy()
        frame[: int(corner.top_left.y + cut), : int(corner.top_left.x + cut)] = 90
    frame = np.ascontiguousarray(frame)
    assert zxing_alone(frame) == []
    assert decode_frame(frame) == [VERSION_25]


def test_a_finder_pattern_is_seen_in_a_code_frame_and_not_in_an_empty_one() -> None:
    rng = np.random.default_rng(3)
    assert not sighted(counter_photo(printed_qr(VERSION_25), base_scene(rng), rng, blank=True)).shows_finder()
    assert sighted(creased_print(11)).shows_finder()


def test_moving_slip_is_read_once_its_blur_is_undone() -> None:
    frame = moving_print(1)
    assert zxing_alone(frame) == [], "zxing-cpp reads this photo by itself now: pick a harder one"
    assert streak_direction(frame) is not None
    assert decode_frame(frame) == [VERSION_25]


def test_streak_direction_follows_the_blur_and_still_frames_have_none() -> None:
    _, still = small_codes(1, seed=5)[0]
    assert streak_direction(still) is None
    lines = {0.0: np.ones((1, 9)), 90.0: np.ones((9, 1)), 45.0: np.eye(9)}  # x right, y down
    for degrees, line in lines.items():
        streaked = np.asarray(cv2.filter2D(still, -1, (line / line.sum()).astype(np.float32)), dtype=np.uint8)
        direction = streak_direction(streaked)
        assert direction is not None
        off = abs((np.rad2deg(direction) - degrees + 90) % 180 - 90)
        assert off < 10, (degrees, np.rad2deg(direction))


def test_frames_without_a_code_give_nothing() -> None:
    rng = np.random.default_rng(1)
    assert decode_frame(rng.integers(0, 256, size=(960, 1280), dtype=np.uint8)) == []
    assert decode_frame(np.full((960, 1280), 255, dtype=np.uint8)) == []
    assert decode_frame(counter_photo(printed_qr(VERSION_25), base_scene(rng), rng, blank=True)) == []


def test_codes_that_are_not_ours_are_skipped() -> None:
    ours, _ = small_codes(1, seed=5)[0]
    theirs = [
        segno.make_qr("窓口の整理券 12番"),
        segno.make_qr("café", encoding="latin-1", mode="byte"),
        segno.make_micro("230258"),
    ]
    pictures = [drawn(symbol) for symbol in theirs]
    for picture in pictures:
        assert zxing_alone(picture), "the foreign code itself must be readable"
        assert decode_frame(picture) == []
    text_picture = printed_qr(ours)
    frame = np.full((600, 1100), 255, dtype=np.uint8)
    places = ((50, 20), (50, 300), (50, 800), (350, 20))
    for (top, left), picture in zip(places, [pictures[0], text_picture, *pictures[1:]], strict=True):
        frame[top : top + picture.shape[0], left : left + picture.shape[1]] = picture
    assert decode_frame(frame) == [ours]


def test_alignment_patterns_and_version_information_are_where_the_encoder_puts_them() -> None:
    for version in range(2, 41):
        symbol = segno.make_qr("A", version=version, error="l", mask=0, boost_error=False)
        dark = np.array([list(row) for row in symbol.matrix]) & 1
        side = symbol_side(version)
        assert dark.shape == (side, side)
        centres = alignment_centres(version)
        for row in centres:
            for column in centres:
                if (row, column) not in {(6, 6), (6, side - 7), (side - 7, 6)}:  # under a finder
                    block = dark[row - 2 : row + 3, column - 2 : column + 3]
                    assert (block == ALIGNMENT_PATTERN).all(), (version, row, column)
        if version >= 7:
            bits = [version_information(version) >> bit & 1 for bit in range(18)]
            assert [dark[bit // 3, side - 11 + bit % 3] for bit in range(18)] == bits
            assert [dark[side - 11 + bit % 3, bit // 3] for bit in range(18)] == bits


def test_fixed_patterns_are_the_encoders() -> None:
    for version in range(7, 41):
        symbol = segno.make_qr("A", version=version, error="l", mask=version % 8, boost_error=False)
        dark = (np.array([list(row) for row in symbol.matrix]) & 1).astype(bool)
        fixed, fixed_dark = fixed_patterns(version)
        assert (dark[fixed] == fixed_dark[fixed]).all(), version
        assert fixed.sum() > 3 * 64 + 2 * (symbol_side(version) - 16) + 36, "finders, timing, version"


def test_folder_camera_frames_decode_in_name_order(tmp_path: Path) -> None:
    (first, first_frame), (second, second_frame) = small_codes(2, seed=3)[:2]
    for name, frame in [("1.jpg", first_frame), ("2.jpg", first_frame), ("3.png", second_frame)]:
        cv2.imwrite(str(tmp_path / name), frame)
    (tmp_path / "notes.txt").write_text("not an image")
    source = open_camera(FolderCamera(path=str(tmp_path)))
    read = []
    while (shot := source.read()) is not None:
        read += decode_frame(shot)
    assert read == [first, first, second]
    assert source.frames_read == 3


def test_looping_folder_starts_again(tmp_path: Path) -> None:
    _, frame = small_codes(1, seed=5)[0]
    cv2.imwrite(str(tmp_path / "only.jpg"), frame)
    source = FolderSource(tmp_path, loop=True)
    assert all(source.read() is not None for _ in range(3))


def test_camera_errors(tmp_path: Path) -> None:
    with pytest.raises(CameraError):
        open_camera(FolderCamera(path=str(tmp_path / "absent")))
    with pytest.raises(CameraError):
        open_camera(OpencvCamera(device=63))
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(CameraError):
        FolderSource(tmp_path).read()
