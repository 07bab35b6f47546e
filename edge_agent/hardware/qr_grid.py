"""Redraw a QR code that zxing-cpp cannot read as it is: sampled module by module, drawn clean.

Small modules under defocus, motion blur and perspective blur into their neighbours, and the decoders give
up on them. This stage finds the code's finder patterns (three, or two when the third is out of the frame),
reads its version from the version blocks, fits a grid to every finder and alignment pattern, bends it
between the alignment patterns where the paper is curled or creased, decides each module dark or light
(taking out its neighbours' share of the blur) and redraws the code with a quiet zone and its fixed
patterns. If that drawing does not read, the grid is registered patch by patch against it (most modules
are right, so it shows where each patch lies) and drawn again. It must never decode: the drawing goes back
to zxing-cpp, which keeps error correction and format checks. For codes from version 7 (ours are 10 to
25), which carry their version in the symbol.
"""

import functools
import itertools
import math
from collections.abc import Iterable, Iterator
from typing import NamedTuple, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from .camera import Frame

Points = npt.NDArray[np.float64]
Image = npt.NDArray[np.float32]
"""A greyscale frame as floats, for sampling between pixels and matching templates."""

_SHARPEN_SIGMA = 2.0
_SHARPEN_AMOUNT = 2.5
_FINDER_THRESHOLDS = ((25, 10), (15, 8))
"""Window (pixels) and offset of the local thresholds in which finder patterns are looked for: the offset
keeps flat, noisy background (most frames at the kiosk) from turning into speckles to trace."""
_FINDER_SMOOTHING = 1.0
_FINDER_MIN_AREA = 50
"""Pixels inside a finder's light ring (5 modules across): modules under 1.4 pixels are not read anyway."""
_FINDER_SCALES = (0.9, 1.0, 1.1)
"""The ring's size from the threshold is a guess: the template is tried a little smaller and larger."""
_FINDER_MIN_MATCH = 0.55
"""On the bench's photos, 99 % of real finders match at 0.68 or more and look-alikes in the data below 0.5."""
_FINDER_MAX_SKEW = 0.8
"""Cosine of the angle at the top-left finder plus the relative difference of the two sides."""
_FINDER_MAX_SIZE_RATIO = 1.8
_PAIR_MODULE_TOLERANCE = 0.25
_PAIRS_TRIED = 2
"""Two finders fit several codes (which two they are, the version): the best few by version blocks."""
_PATCH_SCALE = 5
"""Pixels per module in the patches matched against finder and alignment pattern templates."""
_SEARCH_MODULES = 3
"""How far (in modules) a pattern may lie from where the current fit puts it."""
_FIT_ROUNDS = 3
_FIT_TOLERANCE = 0.4
"""Largest distance (in modules) between a found pattern and the fit for the pattern to count."""
_BEND_MIN_MATCH = 0.3
"""An alignment pattern that matches its template worse than this does not bend the grid (its neighbours'
shift stands in for it)."""
_REGISTER_ROUNDS = 3
_REGISTER_HALF = 4
"""Modules from a registration node to its patch's edge: patches of 8 x 8 modules."""
_REGISTER_STEP = 6
"""Modules between registration nodes: the patches overlap, so a fold between nodes is seen from both."""
_REGISTER_SEARCH = 2
"""How far (in modules) a patch may lie from where the current grid puts it."""
_REGISTER_MIN_MATCH = 0.4
"""A patch that matches its drawing worse than this (mostly misread, or outside the frame) does not move
the grid. These sizes were chosen on seeds 1001-1002's curled and creased misses; 3 rounds
and a search of 2 modules read more of them than 1 round or 1 module."""
_CENTRE_AREA = (-0.25, 0.0, 0.25)
"""Offsets (modules, across and down) of the points averaged for a module: its centre area, not one point,
which in faded print may fall on a missing dot (on seeds 1001-1003: 0.12, 0.2 and 0.28 tried; the faded
photos' misread modules fell from 137 to 8 in one code)."""
_THRESHOLD_WINDOW = 15
"""Modules across the neighbourhood whose mean brightness is the first guess of dark or light."""
_EQUALISER_ROUNDS = 2
_NEIGHBOURS = (
    np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=np.float32),
    np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1]], dtype=np.float32),
)
_DRAWN_SCALE = 4
_REMAP_ROWS = 16384
_QUIET_ZONE = 4
_VERSION_POLYNOMIAL = 0x1F25
_VERSIONS_WITH_INFORMATION = range(7, 41)


class Sighting(NamedTuple):
    """A frame sharpened for sampling, and the rings in it that look like finder patterns."""

    image: Image
    rings: list["_Ring"]

    def shows_finder(self) -> bool:
        """Whether anything looks like a finder pattern: worth a closer look if nothing read."""
        return bool(self.rings)


def sighted(frame: Frame) -> Sighting:
    """The frame sharpened, and its finder-like rings: what the grid starts from, found once per frame."""
    sharp = _sharpened(frame)
    image = sharp.astype(np.float32)
    return Sighting(image, _rings_found(sharp, image))


def redrawn_codes(sighting: Sighting, outlines: list[Points], registered: bool = True) -> Iterator[Frame]:
    """The code sampled at each module's centre area on a grid fitted to its finder and alignment patterns,
    drawn clean for the decoder: first where three finder patterns are found (or, with one out of the frame or
    lost, where two are), then in each outline (the four corners, clockwise from the top left, of a code
    zxing-cpp found but could not read). Each grid is then registered against its own drawing, and drawn
    again, a few times (unless not `registered`)."""
    image, rings = sighting
    triangle = _triangle(rings)
    located: list[_Located] = [_Finders.of(triangle)] if triangle else _likely_pairs(image, rings)
    located += [_Outline(outline) for outline in outlines]
    for where in located:
        version = _version(image, where)[0]
        fit = _fitted(image, where, version)
        shifts = _bend(image, fit, version)
        dark = _dark_modules(_samples(image, fit, version, shifts))
        yield _drawn(dark, version)
        for _ in range(_REGISTER_ROUNDS if registered else 0):
            shifts = _registered(image, fit, version, shifts, dark)
            dark = _dark_modules(_samples(image, fit, version, shifts))
            yield _drawn(dark, version)


def _sharpened(frame: Frame) -> Frame:
    """Unsharp mask: defocus smears modules of 3-4 pixels into their neighbours."""
    blurred = cv2.GaussianBlur(frame, (0, 0), _SHARPEN_SIGMA)
    sharp = cv2.addWeighted(frame, 1 + _SHARPEN_AMOUNT, blurred, -_SHARPEN_AMOUNT, 0)
    return np.asarray(sharp, dtype=np.uint8)


def symbol_side(version: int) -> int:
    return 17 + 4 * version


def alignment_centres(version: int) -> list[int]:
    """Rows (and columns) of the alignment patterns' centres: evenly spaced from 6 to side - 7, the spacing
    even and the remainder taken by the first gap (version 32 is the standard's one exception)."""
    if version < 2:
        return []
    count, last = version // 7 + 2, symbol_side(version) - 7
    step = 26 if version == 32 else math.ceil((last - 6) / (count - 1) / 2) * 2
    return [6] + [last - step * index for index in range(count - 2, -1, -1)]


def version_information(version: int) -> int:
    """The 18-bit word printed twice in symbols from version 7: the version and its BCH(18,6) check bits."""
    remainder = version << 12
    for bit in range(17, 11, -1):
        if remainder >> bit & 1:
            remainder ^= _VERSION_POLYNOMIAL << (bit - 12)
    return version << 12 | remainder


def _template(picture: str) -> Image:
    """A pattern drawn at the patch scale from lines of '#' (dark) and '.' (light)."""
    cells = np.array([[0.0 if cell == "#" else 255.0 for cell in row] for row in picture.split()])
    return np.kron(cells, np.ones((_PATCH_SCALE, _PATCH_SCALE))).astype(np.float32)


_FINDER = _template("""
    .........
    .#######.
    .#.....#.
    .#.###.#.
    .#.###.#.
    .#.###.#.
    .#.....#.
    .#######.
    .........
""")  # with the light separator around it
_ALIGNMENT = _template("""
    #####
    #...#
    #.#.#
    #...#
    #####
""")
_BLURRED_FINDER = np.asarray(cv2.GaussianBlur(_FINDER, (0, 0), 0.4 * _PATCH_SCALE), dtype=np.float32)
"""Blurred like the camera's view, a finder matches it far better than look-alikes in the data do."""
_VERSION_WORDS = np.array(
    [
        [1.0 if version_information(v) >> bit & 1 else -1.0 for bit in range(18)]
        for v in _VERSIONS_WITH_INFORMATION
    ]
)
_VERSION_WORDS -= _VERSION_WORDS.mean(axis=1, keepdims=True)
_VERSION_WORDS /= np.linalg.norm(_VERSION_WORDS, axis=1, keepdims=True)
"""Each version's word, +1 where dark, centred and scaled: its correlation with samples is one product."""


class _Ring(NamedTuple):
    """A light square ring around a dark core that looks like a finder pattern's."""

    centre: Points
    corners: Points
    module: float


class _Finders(NamedTuple):
    """The code's three finder patterns: their centres and ring corners (which carry the perspective)
    in the frame, and the same points relative to their finder's centre, in modules."""

    frame: Points
    offsets: Points
    ring_module: float

    @classmethod
    def of(cls, triangle: tuple[_Ring, _Ring, _Ring]) -> "_Finders":
        across, down = triangle[1].centre - triangle[0].centre, triangle[2].centre - triangle[0].centre
        frame, offsets = [], []
        for ring in triangle:
            frame += [ring.centre, *ring.corners]
            outwards = [
                (np.sign(across @ (corner - ring.centre)), np.sign(down @ (corner - ring.centre)))
                for corner in ring.corners
            ]
            offsets += [(0.0, 0.0), *(2.5 * np.array(outwards))]
        return cls(np.array(frame), np.array(offsets), float(np.mean([ring.module for ring in triangle])))

    def versions(self) -> range:
        return _VERSIONS_WITH_INFORMATION

    def module(self, side: float) -> float:
        """The module size in pixels, from the finders' rings."""
        return self.ring_module

    def fit(self, side: float) -> Points:
        """Module coordinates to frame (a homography), for a code of `side` modules."""
        centres = np.repeat([[3.5, 3.5], [side - 3.5, 3.5], [3.5, side - 3.5]], 5, axis=0)
        fit, _ = cv2.findHomography(centres + self.offsets, self.frame)
        return np.asarray(fit, dtype=np.float64)


class _Located(Protocol):
    """Where a code lies in the frame, before its version is known."""

    def fit(self, side: float) -> Points: ...

    def module(self, side: float) -> float: ...

    def versions(self) -> Iterable[int]:
        """The versions the code can have, as far as its size in the frame tells."""
        ...


_SLOTS = ((3.5, 3.5), (-3.5, 3.5), (3.5, -3.5))
"""The finders' centres in modules: top left, top right, bottom left (negative: from the far side)."""
_PAIR_SLOTS = ((0, 1), (0, 2), (1, 2))


class _Pair(NamedTuple):
    """Two of a code's finder patterns (the third out of the frame or lost) and which two they are."""

    first: _Ring
    second: _Ring
    slots: tuple[int, int]

    def _scale(self, side: float) -> tuple[complex, complex]:
        """Module coordinates to frame as a rotation and scale (a, b in z -> a z + b, as complex numbers)."""
        start, end = (complex(*(value % side for value in _SLOTS[slot])) for slot in self.slots)
        a = complex(*(self.second.centre - self.first.centre)) / (end - start)
        return a, complex(*self.first.centre) - a * start

    def module(self, side: float) -> float:
        return abs(self._scale(side)[0])

    def fit(self, side: float) -> Points:
        """Without the third finder, no perspective: the alignment patterns bring it in (`_fitted`)."""
        a, b = self._scale(side)
        return np.array([[a.real, -a.imag, b.real], [a.imag, a.real, b.imag], [0.0, 0.0, 1.0]])

    def versions(self) -> list[int]:
        """The versions whose module size, from the finders' distance, is near their rings'."""
        ring = (self.first.module + self.second.module) / 2
        return [
            version
            for version in _VERSIONS_WITH_INFORMATION
            if abs(self.module(symbol_side(version)) / ring - 1) < _PAIR_MODULE_TOLERANCE
        ]


def _likely_pairs(image: Image, rings: list[_Ring]) -> list[_Located]:
    """The pairs of rings, as two finders of a code, whose version blocks read best."""
    scored = []
    for first, second in itertools.permutations(rings, 2):
        if max(first.module, second.module) > _FINDER_MAX_SIZE_RATIO * min(first.module, second.module):
            continue
        for slots in _PAIR_SLOTS:
            pair = _Pair(first, second, slots)
            if pair.versions():
                scored.append((_version(image, pair)[1], pair))
    scored.sort(key=lambda item: -item[0])
    return [pair for _, pair in scored[:_PAIRS_TRIED]]


class _Outline(NamedTuple):
    """A code's four corners, clockwise from its top left: zxing-cpp's outline of a code it cannot read."""

    corners: Points

    def module(self, side: float) -> float:
        """The module size in pixels, along the outline's top edge."""
        return float(np.linalg.norm(self.corners[1] - self.corners[0])) / side

    def versions(self) -> range:
        return _VERSIONS_WITH_INFORMATION

    def fit(self, side: float) -> Points:
        square = np.array([[0, 0], [side, 0], [side, side], [0, side]], dtype=np.float32)
        return np.asarray(cv2.getPerspectiveTransform(square, self.corners.astype(np.float32)), np.float64)


def _rings(smooth: Frame, image: Image, window: int, offset: int) -> list[_Ring]:
    """Light rings around a single dark core, in a local threshold, that match a finder pattern."""
    dark = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, window, offset
    )
    contours, hierarchy = cv2.findContours(dark, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    links = hierarchy[0]  # per contour: next, previous, first child, parent
    cores = links[:, 2]
    holes_with_one_core = (links[:, 3] >= 0) & (cores >= 0) & (links[cores, 0] < 0)
    rings = []
    for hole, core in zip(np.flatnonzero(holes_with_one_core), cores[holes_with_one_core], strict=True):
        hole_area, core_area = cv2.contourArea(contours[int(hole)]), cv2.contourArea(contours[int(core)])
        if hole_area < _FINDER_MIN_AREA or not 0.12 < core_area / hole_area < 0.7:
            continue
        (x, y), (width, height), angle = cv2.minAreaRect(contours[int(hole)])
        module = (width + height) / 10  # the ring is 5 modules across
        if 0.6 < width / height < 1.6 and _finder_match(image, (x, y), module, angle) >= _FINDER_MIN_MATCH:
            corners = cv2.boxPoints(((x, y), (width, height), angle))
            rings.append(_Ring(np.array([x, y]), np.asarray(corners, dtype=np.float64), module))
    return rings


def _finder_match(image: Image, centre: tuple[float, float], module: float, angle: float) -> float:
    """How well a ring's neighbourhood matches a finder pattern, at the best of a few module sizes."""
    turn = np.deg2rad(angle)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    best = -1.0
    for scale in _FINDER_SCALES:
        to_frame = rotation * module * scale / _PATCH_SCALE
        shift = np.array(centre) + to_frame @ np.full(2, 0.5 - _BLURRED_FINDER.shape[0] / 2)
        patch = cv2.warpAffine(
            image,
            np.c_[to_frame, shift],
            _BLURRED_FINDER.shape[::-1],
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderValue=255.0,
        )
        best = max(best, float(cv2.matchTemplate(patch, _BLURRED_FINDER, cv2.TM_CCOEFF_NORMED)[0, 0]))
    return best


def _rings_found(sharp: Frame, image: Image) -> list[_Ring]:
    """Rings that match a finder pattern, in two local thresholds. The threshold is taken on the sharpened
    frame smoothed by a pixel, which removes the sensor noise that sharpening amplifies but keeps rings of a
    module."""
    smooth = np.asarray(cv2.GaussianBlur(sharp, (0, 0), _FINDER_SMOOTHING), dtype=np.uint8)
    rings: list[_Ring] = []
    for window, offset in _FINDER_THRESHOLDS:
        rings += _rings(smooth, image, window, offset)
        if _triangle(rings) is not None:
            break
    return rings


def _triangle(rings: list[_Ring]) -> tuple[_Ring, _Ring, _Ring] | None:
    """The three rings of similar size closest to a right isosceles triangle, clockwise: top left, top
    right, bottom left."""
    best, best_skew = None, _FINDER_MAX_SKEW
    for corner, right, below in itertools.permutations(rings, 3):
        modules = [corner.module, right.module, below.module]
        across, down = right.centre - corner.centre, below.centre - corner.centre
        lengths = float(np.linalg.norm(across)), float(np.linalg.norm(down))
        if (
            max(modules) > _FINDER_MAX_SIZE_RATIO * min(modules)
            or across[0] * down[1] - across[1] * down[0] <= 0  # counter-clockwise
            or min(lengths) < 10 * np.mean(modules)  # the smallest code's finders are 14 modules apart
        ):
            continue
        skew = abs(float(across @ down)) / (lengths[0] * lengths[1]) + abs(lengths[0] - lengths[1]) / max(
            lengths
        )
        if skew < best_skew:
            best, best_skew = (corner, right, below), skew
    return best


def _version(image: Image, finders: _Located) -> tuple[int, float]:
    """The version whose word best matches the version blocks beside the top-right and bottom-left finders.

    The blocks lie close to the finders, so each version's finder fit finds its blocks; the words differ in
    at least 8 of 18 bits, so the best match is right even when some modules read wrong.
    """
    best, best_score = _VERSIONS_WITH_INFORMATION[0], -1.0
    for version in finders.versions():
        index = version - _VERSIONS_WITH_INFORMATION[0]
        first = symbol_side(version) - 11
        fit = finders.fit(symbol_side(version))
        for block in (
            [(first + bit % 3 + 0.5, bit // 3 + 0.5) for bit in range(18)],  # top right
            [(bit // 3 + 0.5, first + bit % 3 + 0.5) for bit in range(18)],  # bottom left
        ):
            brightness = _sampled(image, _mapped(fit, np.array(block)))
            darkness = brightness.mean() - brightness
            score = float(_VERSION_WORDS[index] @ darkness) / (float(np.linalg.norm(darkness)) + 1e-9)
            if score > best_score:
                best, best_score = version, score
    return best, best_score


def _patterns(version: int) -> list[tuple[float, float, Image]]:
    """Centres (module coordinates) and templates of the finder and alignment patterns."""
    side = symbol_side(version)
    patterns = [(3.5, 3.5, _FINDER), (side - 3.5, 3.5, _FINDER), (3.5, side - 3.5, _FINDER)]
    centres = alignment_centres(version)
    for row in centres:
        for column in centres:
            if (row, column) not in {(6, 6), (6, centres[-1]), (centres[-1], 6)}:
                patterns.append((column + 0.5, row + 0.5, _ALIGNMENT))
    return patterns


def _fitted(image: Image, finders: _Located, version: int) -> Points:
    """Module coordinates to frame, fitted to every finder and alignment pattern found near where the
    previous fit expects it, starting from the finders' fit. Version 25 has 25 patterns, so a few
    misplaced matches (blur, noise) are outvoted and the perspective is right across the whole code."""
    side = symbol_side(version)
    fit = finders.fit(side)
    module = finders.module(side)
    patterns = _patterns(version)
    expected = np.array([(x, y) for x, y, _ in patterns])
    for _ in range(_FIT_ROUNDS):
        found = np.array([_found_at(image, fit, x, y, template)[0] for x, y, template in patterns])
        refit, _ = cv2.findHomography(expected, _mapped(fit, found), cv2.RANSAC, _FIT_TOLERANCE * module)
        if refit is None:
            break
        fit = np.asarray(refit, dtype=np.float64)
    return fit


def _found_at(image: Image, fit: Points, x: float, y: float, template: Image) -> tuple[Points, float]:
    """Where the pattern expected at (x, y) really is, in the module coordinates of `fit`, and how well it
    matches its template there."""
    half = template.shape[0] / _PATCH_SCALE / 2 + _SEARCH_MODULES
    step = 1 / _PATCH_SCALE
    to_patch = np.array([[step, 0, x - half + step / 2], [0, step, y - half + step / 2], [0, 0, 1]])
    size = round(2 * half * _PATCH_SCALE)
    patch = cv2.warpPerspective(
        image, fit @ to_patch, (size, size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderValue=255.0
    )
    _, match, _, corner = cv2.minMaxLoc(cv2.matchTemplate(patch, template, cv2.TM_CCOEFF_NORMED))
    centre = np.array(corner) * step + [x - half, y - half] + template.shape[0] * step / 2
    return np.asarray(centre, dtype=np.float64), float(match)


def _mapped(fit: Points, points: Points) -> Points:
    """Points in module coordinates (x right, y down, 0 to side) mapped into the frame."""
    projected = cv2.perspectiveTransform(np.asarray(points, dtype=np.float64).reshape(-1, 1, 2), fit)
    return np.asarray(projected, dtype=np.float64).reshape(-1, 2)


def _sampled(image: Image, points: Points, border: int = cv2.BORDER_CONSTANT) -> Image:
    """The image between pixels at each point (outside it: white, or `border`), in rows as long as needed:
    remap takes under 32767 rows."""
    columns = -(-len(points) // _REMAP_ROWS)
    padded = np.zeros((-(-len(points) // columns) * columns, 2), dtype=np.float32)
    padded[: len(points)] = points
    xs, ys = (padded[:, axis].reshape(-1, columns) for axis in (0, 1))
    values = cv2.remap(image, xs, ys, cv2.INTER_LINEAR, borderMode=border, borderValue=255.0)
    return np.asarray(values, dtype=np.float32).ravel()[: len(points)]


def _samples(image: Image, fit: Points, version: int, shifts: tuple[Image, Image]) -> Image:
    """The mean brightness of each module's centre area, side x side, on the fitted grid bent by `shifts`."""
    side = symbol_side(version)
    centres = np.arange(side) + 0.5
    xs, ys = np.meshgrid(centres, centres)
    total = np.zeros(side * side, dtype=np.float32)
    for dx, dy in itertools.product(_CENTRE_AREA, repeat=2):
        points = np.c_[(xs + shifts[0] + dx).ravel(), (ys + shifts[1] + dy).ravel()]
        total += _sampled(image, _mapped(fit, points))
    return np.asarray(total / len(_CENTRE_AREA) ** 2, dtype=np.float32).reshape(side, side)


def _bent(shifts: tuple[Image, Image], points: Points) -> Points:
    """Points in module coordinates moved by the bend, which is linear between module centres."""
    between = points - 0.5  # the shifts' pixels are the modules' centres
    moved = [_sampled(shift, between, cv2.BORDER_REPLICATE) for shift in shifts]
    return np.asarray(points + np.stack(moved, axis=1), dtype=np.float64)


def _registered(
    image: Image, fit: Points, version: int, shifts: tuple[Image, Image], dark: npt.NDArray[np.bool_]
) -> tuple[Image, Image]:
    """The bend corrected patch by patch against the modules as first read.

    Most modules read right even where the grid is off by half a module (a crease, a curl between
    alignment patterns), so the code drawn from them is a template of what the frame shows there: each
    patch of the frame, sampled on the current grid, is matched against it a little way around, and the
    offsets, interpolated between the patches' centres, move the grid.
    """
    side = symbol_side(version)
    fixed, fixed_dark = fixed_patterns(version)
    margin = _REGISTER_SEARCH + _REGISTER_HALF
    drawn = np.pad(np.where(np.where(fixed, fixed_dark, dark), 0.0, 255.0), margin, constant_values=255.0)
    pictured = cv2.GaussianBlur(
        np.kron(drawn, np.ones((_PATCH_SCALE, _PATCH_SCALE))).astype(np.float32),
        (0, 0),
        0.3 * _PATCH_SCALE,
    )
    count = max(2, round(side / _REGISTER_STEP) + 1)
    nodes = np.round(np.linspace(_REGISTER_HALF, side - _REGISTER_HALF, count)).astype(int)
    step = 1 / _PATCH_SCALE
    across = (np.arange((side + 2 * margin) * _PATCH_SCALE) + 0.5) * step - margin
    xs, ys = np.meshgrid(across, across)
    points = _bent(shifts, np.c_[xs.ravel(), ys.ravel()])
    seen = _sampled(image, _mapped(fit, points)).reshape(xs.shape)  # the whole code, each patch a window
    found = np.zeros((count, count, 2), dtype=np.float32)
    known = np.zeros((count, count), dtype=np.float32)
    width, reach = 2 * _REGISTER_HALF * _PATCH_SCALE, 2 * margin * _PATCH_SCALE
    for (row, y), (column, x) in itertools.product(enumerate(nodes), repeat=2):
        top, left = (_PATCH_SCALE * (value + _REGISTER_SEARCH) for value in (y, x))
        template = pictured[top : top + width, left : left + width]  # modules within HALF of the node
        window = seen[
            _PATCH_SCALE * y : _PATCH_SCALE * y + reach,
            _PATCH_SCALE * x : _PATCH_SCALE * x + reach,
        ]
        scores = cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED)
        _, best, _, (i, j) = cv2.minMaxLoc(scores)
        if best >= _REGISTER_MIN_MATCH:
            found[row, column] = np.array([i, j], dtype=np.float32) * step - _REGISTER_SEARCH
            known[row, column] = 1.0
    if not known.any():
        return shifts
    centres = np.arange(side, dtype=np.float64) + 0.5
    spread = [_interpolated(found[..., axis], known, nodes.astype(np.float64), centres) for axis in (0, 1)]
    return shifts[0] + spread[0], shifts[1] + spread[1]


def _interpolated(values: Image, known: Image, nodes: Points, centres: Points) -> Image:
    """Values known at some grid nodes (`known` 1, else 0) spread to every module; nodes not known take
    no part."""
    weights = _spreading(nodes, centres, beyond=False)
    total, weight = (weights @ grid @ weights.T for grid in (values * known, known))
    return np.asarray(np.where(weight > 0, total / np.maximum(weight, 1e-6), 0), dtype=np.float32)


def _bend(image: Image, fit: Points, version: int) -> tuple[Image, Image]:
    """How far (in modules, across and down) each module lies from where the homography puts it.

    One homography cannot follow a curled or creased slip. The alignment patterns lie on a grid; each one's
    shift from the fit, and each finder's at the grid's corners, is interpolated linearly between them and
    extrapolated beyond them (a curl bends most at the slip's edge). A pattern not found (a poor match) takes
    its neighbours' mean shift.
    """
    side = symbol_side(version)
    nodes = [centre + 0.5 for centre in alignment_centres(version)]
    last = len(nodes) - 1
    finders = {(0, 0): (3.5, 3.5), (0, last): (side - 3.5, 3.5), (last, 0): (3.5, side - 3.5)}
    shifts = np.full((len(nodes), len(nodes), 2), np.nan)
    for (row, down), (column, across) in itertools.product(enumerate(nodes), repeat=2):
        finder = finders.get((row, column))
        x, y = finder or (across, down)
        found, match = _found_at(image, fit, x, y, _FINDER if finder else _ALIGNMENT)
        if finder or match >= _BEND_MIN_MATCH:
            shifts[row, column] = found - (x, y)
    for _ in range(len(nodes)):
        missing = np.argwhere(np.isnan(shifts[..., 0]))
        if not len(missing):
            break
        padded = np.pad(shifts, ((1, 1), (1, 1), (0, 0)), constant_values=np.nan)
        for row, column in missing:
            around = padded[[row, row + 2, row + 1, row + 1], [column + 1, column + 1, column, column + 2]]
            if not np.isnan(around[:, 0]).all():
                shifts[row, column] = np.nanmean(around, axis=0)
    shifts = np.nan_to_num(shifts)
    centres = np.arange(side, dtype=np.float64) + 0.5
    weights = _spreading(np.array(nodes), centres, beyond=True)  # a curl bends most at the slip's edge
    shift_x, shift_y = (
        np.asarray(weights @ shifts[..., axis] @ weights.T, dtype=np.float32) for axis in (0, 1)
    )
    return shift_x, shift_y


def _spreading(nodes: Points, centres: Points, beyond: bool) -> Points:
    """Weights that interpolate values at `nodes` linearly to `centres` (one row each); beyond the outer
    nodes, extended along the last gap (`beyond`) or held at the outer node's value."""
    before = np.clip(np.searchsorted(nodes, centres) - 1, 0, len(nodes) - 2)  # the nodes each lies between
    along = (centres - nodes[before]) / (nodes[before + 1] - nodes[before])
    if not beyond:
        along = np.clip(along, 0, 1)
    weights = np.zeros((len(centres), len(nodes)))
    weights[np.arange(len(centres)), before] = 1 - along
    weights[np.arange(len(centres)), before + 1] = along
    return weights


def _dark_modules(values: Image) -> npt.NDArray[np.bool_]:
    """Which modules are dark, from the brightness at their centres.

    First guess: darker than the neighbourhood (uneven light). Blur mixes each module with its neighbours,
    so then, twice: fit the brightness to the guess, its 4 side and 4 corner neighbours and the
    neighbourhood's brightness (least squares over the whole code), take the neighbours' share out and
    decide again.
    """
    surround = cv2.blur(values, (_THRESHOLD_WINDOW, _THRESHOLD_WINDOW))
    dark = values < surround
    for _ in range(_EQUALISER_ROUNDS):
        guess = dark.astype(np.float32)
        sides, corners = (
            cv2.filter2D(guess, -1, kernel, borderType=cv2.BORDER_CONSTANT) for kernel in _NEIGHBOURS
        )
        terms = np.stack([np.ones_like(guess), guess, sides, corners, surround], axis=-1).reshape(-1, 5)
        (base, contrast, side_share, corner_share, light), *_ = np.linalg.lstsq(
            terms, values.ravel(), rcond=None
        )
        if contrast >= 0:
            break
        own = values - side_share * sides - corner_share * corners - base - light * surround
        dark = own < contrast / 2
    return dark


def _drawn(dark: npt.NDArray[np.bool_], version: int) -> Frame:
    """The modules drawn clean, with a quiet zone and the fixed patterns as the standard draws them (a module
    misread there can keep zxing-cpp from finding the code at all), for the decoder."""
    fixed, fixed_dark = fixed_patterns(version)
    modules = np.pad(
        np.where(np.where(fixed, fixed_dark, dark), 0, 255).astype(np.uint8), _QUIET_ZONE, constant_values=255
    )
    return np.kron(modules, np.ones((_DRAWN_SCALE, _DRAWN_SCALE), dtype=np.uint8))


@functools.cache
def fixed_patterns(version: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which modules every code of `version` has in the same place, and which of those are dark: the finder
    patterns with their separators, the timing patterns, the alignment patterns, the dark module and the
    version information."""
    side = symbol_side(version)
    fixed = np.zeros((side + 2, side + 2), dtype=bool)  # a module's margin all round: separators fit whole
    dark = np.zeros((side + 2, side + 2), dtype=bool)
    finder = np.pad(np.pad(np.ones((3, 3), dtype=bool), 1), 1, constant_values=True)
    for top, left in ((0, 0), (0, side - 7), (side - 7, 0)):
        fixed[top : top + 9, left : left + 9] = True
        dark[top + 1 : top + 8, left + 1 : left + 8] = finder
    fixed, dark = fixed[1:-1, 1:-1], dark[1:-1, 1:-1]
    timing = np.arange(8, side - 8)
    fixed[6, timing] = fixed[timing, 6] = True
    dark[6, timing] = dark[timing, 6] = timing % 2 == 0
    alignment = np.pad(np.pad([[True]], 1), 1, constant_values=True)
    centres = alignment_centres(version)
    for row, column in itertools.product(centres, repeat=2):
        if (row, column) not in {(6, 6), (6, centres[-1]), (centres[-1], 6)}:
            fixed[row - 2 : row + 3, column - 2 : column + 3] = True
            dark[row - 2 : row + 3, column - 2 : column + 3] = alignment
    fixed[side - 8, 8] = dark[side - 8, 8] = True
    word = version_information(version)
    for bit in range(18):
        near, far = bit // 3, side - 11 + bit % 3
        fixed[near, far] = fixed[far, near] = True
        dark[near, far] = dark[far, near] = bool(word >> bit & 1)
    return fixed, dark
