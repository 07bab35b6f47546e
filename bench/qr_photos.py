"""Synthetic camera photos of printed slips' QR codes, for `bench/qr.py` and the QR tests.

Two generators that share only the printed code:
- `photograph` / `sample_set`: the handheld photos the zbar fallbacks of the first decoder were tuned on;
- `counter_photo`: conditions a counter camera meets that nothing was tuned on (faded thermal print, glare,
  motion blur, shadow, curled or creased paper, a small code far away, over-exposure, a 640x480 webcam,
  colour frames turned grey), each drawn from its own seed stream (`condition_rng`), never from `seed`.

Photos only: nothing here decodes, and nothing is written anywhere.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from edge_agent.hardware.printer.raster import QUIET_ZONE, qr_code, qr_module_dots
from protocol import base45

Array = npt.NDArray[np.uint8]
Floats = npt.NDArray[np.float32]

PAYLOAD_BYTES = (200, 400, 528, 640, 960)
"""Sealed case sizes: Base45 of these is QR version 10, 15, 18, 20 and 25 (alphanumeric, level M); 528 bytes
(792 characters, version 18) is a real case QR of a three-person household made by protocol.qr_seal."""
FRAME = (1280, 960)
"""The default camera frame: the `picamera2` and `opencv` profile defaults."""
SLIP_DOTS = 576
"""Dots the print head puts across 80 mm paper."""
PAPER_DOTS = 640
"""The paper's width at 203 dpi: the printed area plus margins."""
INDEPENDENT_STREAM = 0x5EED_C0DE
"""First word of every counter condition's seed: keeps them apart from the tuned generator's `seed`."""


def printed_qr(text: str) -> Array:
    """The QR as the thermal printer puts it on paper: 0 black, 255 white, at printer dots."""
    buffer = io.BytesIO()
    scale = qr_module_dots(text, SLIP_DOTS)
    qr_code(text).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return np.array(Image.open(buffer).convert("L"), dtype=np.uint8)


def photograph(
    paper: Array, rng: np.random.Generator, tilt: float, frame_size: tuple[int, int] = FRAME
) -> Array:
    """A handheld camera's greyscale JPEG frame of the code (the photos the fallbacks were tuned on)."""
    side = paper.shape[0]
    width, height = frame_size
    target = rng.uniform(0.40, 0.65) * height  # the code fills 40-65 % of the frame height
    scale = target / side
    angle = rng.uniform(-20, 20)
    centre = np.array(
        [width / 2 + rng.uniform(-0.1, 0.1) * width, height / 2 + rng.uniform(-0.06, 0.06) * height]
    )
    corners = np.array([[0, 0], [side, 0], [side, side], [0, side]], dtype=np.float32)
    theta = np.deg2rad(angle)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    placed = (corners - side / 2) * scale @ rotation.T + centre
    placed += rng.uniform(-tilt, tilt, size=(4, 2)) * target  # perspective: the slip is not held flat
    warp = cv2.getPerspectiveTransform(corners, placed.astype(np.float32))
    frame = cv2.warpPerspective(
        paper, warp, frame_size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.8) * height / FRAME[1])  # focus, same optics
    ink, paper_white = rng.uniform(50, 100), rng.uniform(150, 215)  # low contrast
    light = np.linspace(rng.uniform(0.8, 1.0), rng.uniform(1.0, 1.15), width)[None, :]  # uneven light
    image = (ink + frame.astype(np.float64) / 255 * (paper_white - ink)) * light
    image += rng.normal(0, rng.uniform(2, 6), size=image.shape)  # sensor noise
    encoded = cv2.imencode(".jpg", np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 40])[1]
    return np.asarray(cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE), dtype=np.uint8)


def payload(rng: np.random.Generator, index: int) -> str:
    """A Base45 payload of the `index`-th sealed case size (random bytes: the seal's output looks random)."""
    return base45.encode(rng.bytes(PAYLOAD_BYTES[index % len(PAYLOAD_BYTES)]))


def sample_set(
    count: int, seed: int, tilt: float = 0.06, frame_size: tuple[int, int] = FRAME
) -> list[tuple[str, Array]]:
    """`count` (payload, photo) pairs of the tuned generator, spread evenly over the payload sizes."""
    rng = np.random.default_rng(seed)
    samples = []
    for index in range(count):
        text = payload(rng, index)
        samples.append((text, photograph(printed_qr(text), rng, tilt, frame_size)))
    return samples


@dataclass(frozen=True)
class Scene:
    """How one counter photo is taken; the base draws the everyday values, a condition makes one hard."""

    frame: tuple[int, int]
    fill: float
    """The code's side (quiet zone included) as a share of the frame height."""
    angle: float
    tilt: float
    defocus: float
    paper: float
    ink: float
    background: float
    light: tuple[float, float]
    noise: float
    jpeg: int
    motion: float = 0.0
    gain: float = 1.0
    fade: bool = False
    curl: bool = False
    creases: int = 0
    shadow: bool = False
    glare: bool = False
    colour: bool = False


def base_scene(rng: np.random.Generator) -> Scene:
    """A slip held up at a counter: any way round, a little tilted and out of focus, office light."""
    return Scene(
        frame=FRAME,
        fill=rng.uniform(0.35, 0.6),
        angle=rng.uniform(0, 360),
        tilt=0.07,
        defocus=rng.uniform(0.4, 1.3),
        paper=rng.uniform(175, 235),
        ink=rng.uniform(25, 75),
        background=rng.uniform(60, 150),
        light=(rng.uniform(0.85, 1.0), rng.uniform(1.0, 1.1)),
        noise=rng.uniform(1.5, 4.5),
        jpeg=int(rng.integers(55, 91)),
    )


def _far(scene: Scene, rng: np.random.Generator, modules: int) -> Scene:
    """Held 25-35 cm away: 2 to 3 pixels per module, whatever the version."""
    return replace(
        scene, fill=rng.uniform(2.0, 3.0) * modules / scene.frame[1], defocus=rng.uniform(0.3, 0.8)
    )


CONDITIONS: dict[str, Callable[[Scene, np.random.Generator, int], Scene]] = {
    "faded": lambda s, r, m: replace(s, fade=True),
    "glare": lambda s, r, m: replace(s, glare=True),
    "motion": lambda s, r, m: replace(s, motion=r.uniform(2, 8), defocus=r.uniform(0.3, 0.8)),
    "shadow": lambda s, r, m: replace(s, shadow=True),
    "curled": lambda s, r, m: replace(s, curl=True),
    "far": _far,
    "overexposed": lambda s, r, m: replace(s, gain=r.uniform(1.4, 2.2)),
    "creased": lambda s, r, m: replace(s, creases=int(r.integers(2, 5))),
    "webcam": lambda s, r, m: replace(
        s,
        frame=(640, 480),
        fill=r.uniform(0.5, 0.85),
        defocus=r.uniform(0.5, 1.1),
        noise=r.uniform(3, 7),
        jpeg=int(r.integers(50, 76)),
    ),
    "colour": lambda s, r, m: replace(s, colour=True),
}
"""The independent conditions, by name: each takes the base scene, a generator and the code's modules."""


def condition_rng(seed: int, condition: str) -> np.random.Generator:
    """The seed stream of one counter condition: its own, apart from the tuned generator's and the others'."""
    return np.random.default_rng([INDEPENDENT_STREAM, seed, [*CONDITIONS, "empty"].index(condition)])


def counter_set(condition: str, count: int, seed: int) -> list[tuple[str, Array]]:
    """`count` (payload, photo) pairs under one condition ("empty": slips without a code, no payload)."""
    rng = condition_rng(seed, condition)
    samples = []
    for index in range(count):
        text = payload(rng, index)
        code = printed_qr(text)
        scene = base_scene(rng)
        if condition != "empty":
            scene = CONDITIONS[condition](scene, rng, code.shape[0] // module_dots(code))
        samples.append(
            ("" if condition == "empty" else text, counter_photo(code, scene, rng, condition == "empty"))
        )
    return samples


def module_dots(code: Array) -> int:
    """The module size of a printed code: QUIET_ZONE modules lie before the top-left finder."""
    return int(np.argmax(np.diag(code) < 128) // QUIET_ZONE)


TEXT_ABOVE, TEXT_BELOW = 100, 60
"""Dots of printed text above the code (the counters) and below it (the heading)."""
LINE_DOTS = 24
Box = tuple[int, int, int, int]
"""Where the code is on the paper, in dots: left, top, side (quiet zone included), module."""


def slip_paper(printed: Array, rng: np.random.Generator, blank: bool) -> tuple[Floats, Box]:
    """Ink coverage (0 none, 1 full) at printer dots of the slip around a printed code, and where it is."""
    code = printed < 128
    side = code.shape[0]
    ink = np.zeros((side + TEXT_ABOVE + TEXT_BELOW, PAPER_DOTS), dtype=np.float32)
    left = (PAPER_DOTS - side) // 2
    if not blank:
        ink[TEXT_ABOVE : TEXT_ABOVE + side, left : left + side] = code
    margin = (PAPER_DOTS - SLIP_DOTS) // 2
    for top in (TEXT_ABOVE - 3 * LINE_DOTS - 8, TEXT_ABOVE - LINE_DOTS - 16, TEXT_ABOVE + side + 12):
        for cell in range(int(rng.integers(6, SLIP_DOTS // LINE_DOTS))):  # glyph-like strokes
            x = margin + cell * LINE_DOTS
            for _ in range(int(rng.integers(2, 6))):
                if rng.random() < 0.5:
                    y = top + int(rng.integers(2, LINE_DOTS - 3))
                    ink[y : y + 3, x + int(rng.integers(0, 8)) : x + int(rng.integers(12, 22))] = 1
                else:
                    c = x + int(rng.integers(2, LINE_DOTS - 3))
                    ink[top + int(rng.integers(0, 8)) : top + int(rng.integers(12, 22)), c : c + 3] = 1
    return ink, (left, TEXT_ABOVE, side, module_dots(printed))


def _faded(ink: Floats, rng: np.random.Generator, box: Box) -> Floats:
    """Faded or low-density thermal print: grey and patchy, dots missing, dead head dots as white streaks."""
    left, _, side, _ = box
    level = rng.uniform(0.35, 0.75)
    patches = rng.uniform(level - 0.2, level + 0.2, size=(5, 5)).astype(np.float32)
    density = cv2.resize(patches, (ink.shape[1], ink.shape[0]), interpolation=cv2.INTER_CUBIC)
    faded = ink * np.clip(density, 0.15, 1.0) * (rng.random(ink.shape) > rng.uniform(0.03, 0.15))
    for column in rng.integers(left, left + side, size=int(rng.integers(1, 4))):
        faded[:, column] = 0  # a dead dot of the print head: a white line along the paper feed
    return faded.astype(np.float32)


def _paper_map(
    scene: Scene, rng: np.random.Generator, box: Box, shade: Floats
) -> Callable[[Floats, Floats], tuple[Floats, Floats]]:
    """Where a point of the flat-looking paper really lies on it (curl, creases); shades `shade` to match."""
    left, top, side, module = box
    steps: list[Callable[[Floats, Floats], tuple[Floats, Floats]]] = []
    rows = np.arange(shade.shape[0], dtype=np.float32)[:, None]
    columns = np.arange(shade.shape[1], dtype=np.float32)[None, :]
    if scene.curl:  # the end of the slip curls up off its roll: a cylinder across the feed direction
        way = rng.choice([-1.0, 1.0])
        start = top + side * (rng.uniform(0.3, 0.7))
        remaining = top + side - start if way > 0 else start - top
        radius = max(rng.uniform(0.8, 1.6) * side, remaining / 0.8)
        distance, middle = 3.0 * side, left + side / 2
        bend = np.clip(way * (rows - start) / radius, 0, None)
        shade *= 1 - rng.uniform(-0.3, 0.5) * (1 - np.cos(bend))

        def curl(u: Floats, v: Floats) -> tuple[Floats, Floats]:
            along = np.clip(way * (v - start) / radius, 0, None)
            angle = np.arcsin(np.clip(along, 0, 1))
            depth = radius * (1 - np.cos(angle))
            hidden = along >= 1
            u = middle + (u - middle) / (1 + depth / distance)
            v = np.where(along > 0, start + way * radius * angle, v)
            return np.where(hidden, -1e6, u).astype(np.float32), v.astype(np.float32)

        steps.append(curl)
    for _ in range(scene.creases):  # a fold: one side shifted and lit differently, a line along the fold
        point = np.array([left, top]) + rng.uniform(0.2, 0.8, size=2) * side
        normal = np.array([np.cos(phi := rng.uniform(0, np.pi)), np.sin(phi)])
        shift = normal * rng.uniform(-0.8, 0.8) * module + rng.uniform(-0.3, 0.3, size=2) * module
        across = (columns - point[0]) * normal[0] + (rows - point[1]) * normal[1]
        shade *= np.where(across > 0, rng.uniform(0.8, 1.12), 1.0).astype(np.float32)
        shade *= (1 - rng.uniform(-0.25, 0.35) * np.exp(-((across / rng.uniform(1, 2.5)) ** 2))).astype(
            np.float32
        )

        def crease(
            u: Floats,
            v: Floats,
            point: npt.NDArray[np.float64] = point,
            normal: npt.NDArray[np.float64] = normal,
            shift: npt.NDArray[np.float64] = shift,
        ) -> tuple[Floats, Floats]:
            moved = (u - point[0]) * normal[0] + (v - point[1]) * normal[1] > 0
            return (
                np.where(moved, u - shift[0], u).astype(np.float32),
                np.where(moved, v - shift[1], v).astype(np.float32),
            )

        steps.append(crease)

    def mapped(u: Floats, v: Floats) -> tuple[Floats, Floats]:
        for step in steps:
            u, v = step(u, v)
        return u, v

    return mapped


def _motion_kernel(length: float, angle: float) -> Floats:
    """A line `length` pixels long at `angle`: the blur of a slip moving during the exposure."""
    half = int(np.ceil(length / 2)) + 1
    kernel = np.zeros((2 * half + 1, 2 * half + 1), dtype=np.float32)
    reach = np.array([np.cos(angle), np.sin(angle)]) * length / 2
    start, end = (((half + sign * reach) * 16).round().astype(int) for sign in (-1, 1))  # 4 fractional bits
    cv2.line(kernel, (int(start[0]), int(start[1])), (int(end[0]), int(end[1])), 1.0, 1, cv2.LINE_AA, 4)
    return kernel / np.float32(kernel.sum())


def _resized(image: Floats, width: int, height: int) -> Floats:
    return np.asarray(cv2.resize(image, (width, height), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


class _Placement:
    """Where the slip lies in the frame: the paper point behind each pixel; distances across the frame."""

    def __init__(self, scene: Scene, rng: np.random.Generator, box: Box) -> None:
        left, top, side, _ = box
        width, height = scene.frame
        self.code_px = scene.fill * height
        theta = np.deg2rad(scene.angle)
        rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        self.centre = np.array([width / 2, height / 2]) + rng.uniform(-0.08, 0.08, size=2) * [width, height]
        unit = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
        jitter = rng.uniform(-scene.tilt, scene.tilt, size=(4, 2))  # perspective: the slip is not held flat
        placed = (unit @ rotation.T + jitter) * self.code_px + self.centre
        corners = (unit + 0.5) * side + [left, top]
        to_paper = cv2.getPerspectiveTransform(placed.astype(np.float32), corners.astype(np.float32))
        self.xs, self.ys = np.meshgrid(
            np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32)
        )
        points = np.stack([self.xs, self.ys], axis=-1).reshape(1, -1, 2)
        self.paper = np.asarray(cv2.perspectiveTransform(points, to_paper), dtype=np.float32).reshape(
            height, width, 2
        )

    def across(self, angle: float, at: npt.NDArray[np.float64]) -> Floats:
        """Signed distance (pixels) of every pixel from the line through `at` at `angle` + 90°."""
        return np.asarray(
            (self.xs - at[0]) * np.cos(angle) + (self.ys - at[1]) * np.sin(angle), dtype=np.float32
        )

    def near_code(self, rng: np.random.Generator, share: float) -> npt.NDArray[np.float64]:
        return np.asarray(self.centre + rng.uniform(-share, share, size=2) * self.code_px)


def counter_photo(code: Array, scene: Scene, rng: np.random.Generator, blank: bool = False) -> Array:
    """The greyscale frame a counter camera hands over of a slip with a printed code (`blank`: left out)."""
    ink, box = slip_paper(code, rng, blank)
    if scene.fade:
        ink = _faded(ink, rng, box)
    shade = np.ones_like(ink)
    paper_point = _paper_map(scene, rng, box, shade)
    width, height = scene.frame
    where = _Placement(scene, rng, box)
    u, v = paper_point(where.paper[..., 0], where.paper[..., 1])
    shrink = min(1.0, where.code_px / box[2])  # sample the paper resized near the frame's scale: no aliasing
    stack = np.dstack([ink, shade, np.ones_like(ink)])
    if shrink < 1:
        stack = cv2.resize(stack, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    seen = cv2.remap(stack, u * shrink, v * shrink, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    on_paper = seen[..., 2]
    reflected = seen[..., 1] * (scene.paper - seen[..., 0] * (scene.paper - scene.ink))
    counter = scene.background * (
        1 + 0.15 * _resized(rng.uniform(-1, 1, size=(4, 4)).astype(np.float32), width, height)
    )
    light = np.linspace(*scene.light, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    if scene.shadow:  # a hand or the unit's hood between the lamp and the slip
        edge = where.across(rng.uniform(0, 2 * np.pi), where.near_code(rng, 0.3))
        light *= 1 - rng.uniform(0.4, 0.7) / (1 + np.exp(np.clip(-edge / rng.uniform(1, 12), -50, 50)))
    radiance = light * (on_paper * reflected + (1 - on_paper) * counter)
    if scene.glare:  # the ceiling lamp's reflection on glossy thermal paper
        spot, angle = where.near_code(rng, 0.35), rng.uniform(0, np.pi)
        long = rng.uniform(0.06, 0.2) * where.code_px
        short = long * rng.uniform(0.3, 1)
        spread = (where.across(angle, spot) / long) ** 2 + (
            where.across(angle + np.pi / 2, spot) / short
        ) ** 2
        radiance += rng.uniform(100, 250) * np.exp(-spread / 2)
    focused = cv2.GaussianBlur(radiance.astype(np.float32), (0, 0), scene.defocus * height / FRAME[1])
    if scene.motion:
        blur = _motion_kernel(scene.motion * height / FRAME[1], rng.uniform(0, np.pi))
        focused = cv2.filter2D(focused, -1, blur)
    return _sensor(np.asarray(focused * scene.gain, dtype=np.float32), scene, rng)


GREYS: dict[str, Callable[[Floats], Floats]] = {
    "bt601": lambda bgr: np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), dtype=np.float32),
    "green": lambda bgr: bgr[..., 1],
    "red": lambda bgr: bgr[..., 2],
    "mean": lambda bgr: bgr.mean(axis=2, dtype=np.float32),
    "lightness": lambda bgr: (bgr.max(axis=2) + bgr.min(axis=2)) / np.float32(2),
}
"""How a colour frame can become grey: the camera's luma, one channel, or what an image library does."""
TINTS = ((0.55, 0.8, 1.0), (0.8, 1.0, 0.85), (1.0, 0.92, 0.8))
"""Light colour as blue, green, red gains: warm lamp, fluorescent tube, daylight."""


def _jpeg(image: npt.NDArray[np.float64], quality: int, flags: int) -> Floats:
    encoded = cv2.imencode(
        ".jpg", np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )[1]
    return np.asarray(cv2.imdecode(encoded, flags), dtype=np.float32)


def _sensor(radiance: Floats, scene: Scene, rng: np.random.Generator) -> Array:
    """Noise, clipping, JPEG (4:2:0 chroma for colour), and for a colour camera the conversion to grey."""
    if not scene.colour:
        grey = _jpeg(
            radiance + rng.normal(0, scene.noise, size=radiance.shape), scene.jpeg, cv2.IMREAD_GRAYSCALE
        )
    else:
        tint = np.array(TINTS[int(rng.integers(len(TINTS)))]) * rng.uniform(0.9, 1.1, size=3)
        image = radiance[..., None] * tint + rng.normal(0, scene.noise, size=(*radiance.shape, 3))
        grey = list(GREYS.values())[int(rng.integers(len(GREYS)))](_jpeg(image, scene.jpeg, cv2.IMREAD_COLOR))
    return np.clip(grey, 0, 255).round().astype(np.uint8)
