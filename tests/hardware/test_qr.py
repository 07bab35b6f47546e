"""QR reading from camera frames: photos of printed slips through the folder camera, and de-duplication."""

from pathlib import Path

import cv2
import numpy as np
import pytest
import segno

from bench.qr_photos import PAYLOAD_BYTES, Array, photograph, printed_qr, sample_set
from edge_agent.hardware.camera import CameraError, open_camera
from edge_agent.hardware.camera.folder import FolderSource
from edge_agent.hardware.printer.raster import qr_code
from edge_agent.hardware.qr import Deduplicator, decode_frame, read_zbar, scan
from edge_agent.hardware.qr_grid import alignment_centres, symbol_side, version_information
from edge_agent.profile import FolderCamera, OpencvCamera
from protocol import base45

ALIGNMENT_PATTERN = np.array(
    [[1, 1, 1, 1, 1], [1, 0, 0, 0, 1], [1, 0, 1, 0, 1], [1, 0, 0, 0, 1], [1, 1, 1, 1, 1]]
)


def small_codes(count: int, seed: int) -> list[tuple[str, Array]]:
    """Photos of version 10 and 15 codes from the bench's generator, mildly tilted."""
    samples = sample_set(count * len(PAYLOAD_BYTES), seed, tilt=0.03)
    return [(text, frame) for text, frame in samples if int(qr_code(text).version) <= 15][:count]


def test_slip_photos_decode_to_the_exact_payload() -> None:
    for text, frame in small_codes(4, seed=7):
        assert decode_frame(frame) == [text]
        assert base45.decode(text)


def test_blurred_tilted_version_25_code_that_zbar_alone_misses_is_read_even_turned() -> None:
    text = base45.encode(np.random.default_rng(25).bytes(960))
    frame = photograph(printed_qr(text), np.random.default_rng(11), tilt=0.06)
    assert qr_code(text).version == 25
    assert read_zbar(frame) == [], "the photo no longer needs the fallbacks: pick a harder one"
    assert decode_frame(frame) == [text]
    for turn in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180):
        assert decode_frame(np.ascontiguousarray(cv2.rotate(frame, turn))) == [text]


def test_frames_without_a_code_give_nothing() -> None:
    noise = np.random.default_rng(1).integers(0, 256, size=(960, 1280), dtype=np.uint8)
    assert decode_frame(noise) == []
    assert decode_frame(np.full((960, 1280), 255, dtype=np.uint8)) == []


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


def test_folder_camera_scan_reports_each_code_once(tmp_path: Path) -> None:
    (first, first_frame), (second, second_frame) = small_codes(2, seed=3)[:2]
    for name, frame in [("1.jpg", first_frame), ("2.jpg", first_frame), ("3.png", second_frame)]:
        cv2.imwrite(str(tmp_path / name), frame)
    (tmp_path / "notes.txt").write_text("not an image")
    source = open_camera(FolderCamera(path=str(tmp_path)))
    assert list(scan(source)) == [first, second]
    assert source.frames_read == 3
    assert source.read() is None


def test_looping_folder_starts_again(tmp_path: Path) -> None:
    _, frame = small_codes(1, seed=5)[0]
    cv2.imwrite(str(tmp_path / "only.jpg"), frame)
    source = FolderSource(tmp_path, loop=True)
    assert all(source.read() is not None for _ in range(3))


def test_deduplicator_lets_a_code_back_in_after_it_was_gone() -> None:
    now = [0.0]
    deduplicator = Deduplicator(window=5.0, clock=lambda: now[0])
    assert deduplicator.is_new("A")
    now[0] = 4.0
    assert not deduplicator.is_new("A")  # still held up: refreshed
    now[0] = 8.0
    assert not deduplicator.is_new("A")
    now[0] = 14.0
    assert deduplicator.is_new("A")


def test_camera_errors(tmp_path: Path) -> None:
    with pytest.raises(CameraError):
        open_camera(FolderCamera(path=str(tmp_path / "absent")))
    with pytest.raises(CameraError):
        open_camera(OpencvCamera(device=63))
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(CameraError):
        FolderSource(tmp_path).read()
