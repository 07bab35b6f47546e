"""The import layers, read from the source with `ast`; only the CLI's group table is imported.

protocol ← procedures ← {edge_agent, central} ← provisioning ← madoguchi: a module imports from its own part
or a lower layer, and edge_agent and central never import each other, so a counter unit never loads central's
code. The test bed (`testbed/`) is imported only by `madoguchi demo`, the benches and the tests; the product
never imports tests, bench or scripts; hardware libraries are imported only inside `edge_agent/hardware/`
(tests and benches use zbar, zxing-cpp and OpenCV to check what the hardware code produced). Inside central,
no slice (`central/<slice>/`) imports another slice's controller module: what controllers share lives in
`central/web.py` and `central/errors.py`.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from madoguchi.cli import GROUPS

ROOT = Path(__file__).resolve().parents[1]
LAYER = {"protocol": 0, "procedures": 1, "edge_agent": 2, "central": 2, "provisioning": 3, "madoguchi": 4}
"""The product's parts by layer; a part may import its own layer's code only from itself."""
TOOLS = {"testbed", "scripts", "bench", "tests"}
TOOLS_ALLOWED = {"testbed": {"testbed"}, "scripts": {"scripts"}, "bench": {"testbed", "bench"}}
"""Which tool folders each checked tool folder may import (all of them may import the product)."""
TESTBED_USERS = {"madoguchi.demo"}
"""The only product modules that may import the test bed."""
HARDWARE = {"smartcard", "picamera2", "pyzbar", "zxingcpp", "escpos", "cv2"}
HARDWARE_HOME = "edge_agent.hardware"
SLICED = "central"
"""The part made of slices (`central/<slice>/`), whose controller modules are `*controller`."""


@dataclass(frozen=True)
class Import:
    """One import statement: which module imports which (dotted, relative imports resolved), and where."""

    importer: str
    target: str
    where: str
    names: tuple[str, ...] = ()
    """What a `from target import ...` takes (a module among them is imported too)."""


def resolve(importer: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module a (possibly relative) `from ... import` names."""
    if level == 0:
        return name or ""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports(root: Path) -> Iterator[Import]:
    """Every import in the product's parts, the test bed, the scripts and the benches under root."""
    for part in sorted([*LAYER, *TOOLS_ALLOWED]):
        for path in sorted((root / part).rglob("*.py")):
            relative = path.relative_to(root)
            is_package = path.name == "__init__.py"
            importer = ".".join(relative.parent.parts if is_package else relative.with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
                where = f"{relative}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Import):
                    yield from (Import(importer, alias.name, where) for alias in node.names)
                elif isinstance(node, ast.ImportFrom):
                    target = resolve(importer, is_package, node.level, node.module)
                    yield Import(importer, target, where, tuple(alias.name for alias in node.names))


def slice_of(module: str) -> str | None:
    """The central slice a module belongs to (`cases` for central.cases.views); None for central.web & co."""
    parts = module.split(".")
    return parts[1] if parts[0] == SLICED and len(parts) > 2 else None


def slice_problem(found: Import) -> str | None:
    """A central slice importing another slice's controller module, or None."""
    own = slice_of(found.importer)
    for module in (found.target, *(f"{found.target}.{name}" for name in found.names)):
        theirs = slice_of(module)
        if own and theirs and theirs != own and module.split(".")[2].endswith("controller"):
            return f"{found.importer} imports another slice's controller {module}"
    return None


def problem(found: Import) -> str | None:
    """What layer rule an import breaks, or None."""
    source, target = found.importer.split(".")[0], found.target.split(".")[0]
    in_hardware = f"{found.importer}.".startswith(f"{HARDWARE_HOME}.")
    if target in HARDWARE and source not in {"tests", "bench"} and not in_hardware:
        return f"hardware library {target} outside {HARDWARE_HOME}"
    if source in LAYER and target in LAYER:
        if LAYER[target] > LAYER[source]:
            return f"{source} imports {target}, a higher layer"
        if LAYER[target] == LAYER[source] and target != source:
            return f"{source} and {target} never import each other"
        return None
    if target not in TOOLS:
        return None
    if source in LAYER:
        allowed = {"testbed"} if found.importer in TESTBED_USERS else set()
    else:
        allowed = TOOLS_ALLOWED.get(source, TOOLS)
    return None if target in allowed else f"{found.importer} never imports {target}"


def violations(root: Path) -> list[str]:
    """Every import under root that breaks a rule, as `path:line: rule`."""
    return [
        f"{found.where}: {why}" for found in imports(root) if (why := problem(found) or slice_problem(found))
    ]


def test_imports_respect_the_layers() -> None:
    assert violations(ROOT) == []


def test_the_check_sees_the_tree() -> None:
    found = {(item.importer, item.target) for item in imports(ROOT)}
    assert ("edge_agent.hardware.card.pcsc", "smartcard.System") in found
    assert ("madoguchi.demo", "testbed.broker") in found
    assert ("scripts.catalogs", "edge_agent.kiosk.i18n") in found


def test_cli_groups_respect_the_layers() -> None:
    """`madoguchi` loads its groups by name: each name is an import by madoguchi.cli, and must exist."""
    for module, _attribute, _help in GROUPS.values():
        assert problem(Import("madoguchi.cli", module, "GROUPS")) is None
        path = ROOT.joinpath(*module.split("."))
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), module


def test_the_check_reports_each_broken_rule(tmp_path: Path) -> None:
    planted = {
        "protocol/low.py": "import procedures.navigator",
        "central/app.py": "from edge_agent import outbox",
        "edge_agent/kiosk/up.py": "from ...central import models",
        "edge_agent/kiosk/camera.py": "import cv2",
        "edge_agent/hardware/camera/ok.py": "import cv2\nfrom ..card import pcsc",
        "procedures/bed.py": "from testbed.broker import Broker",
        "madoguchi/demo.py": "from testbed import broker",
        "madoguchi/cli.py": "import testbed.processes",
        "provisioning/cli.py": "from central.db import make_engine\nimport bench.common",
        "scripts/tool.py": "from testbed import processes",
        "bench/run.py": "from testbed import broker\nfrom tests.support import crash_after_commit",
        "central/forms/controller.py": "from central.cases.controller import StaffController",
        "central/audit/log.py": "from central.cases import controller, views\nfrom central.web import X",
        "central/cases/interview_controller.py": "from .controller import StaffController",
    }
    for name, source in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source + "\n")
    assert violations(tmp_path) == [
        "bench/run.py:2: bench.run never imports tests",
        "central/app.py:1: central and edge_agent never import each other",
        "central/audit/log.py:1: central.audit.log imports another slice's controller "
        "central.cases.controller",
        "central/forms/controller.py:1: central.forms.controller imports another slice's controller "
        "central.cases.controller",
        "edge_agent/kiosk/camera.py:1: hardware library cv2 outside edge_agent.hardware",
        "edge_agent/kiosk/up.py:1: edge_agent and central never import each other",
        "madoguchi/cli.py:1: madoguchi.cli never imports testbed",
        "procedures/bed.py:1: procedures.bed never imports testbed",
        "protocol/low.py:1: protocol imports procedures, a higher layer",
        "provisioning/cli.py:2: provisioning.cli never imports bench",
        "scripts/tool.py:1: scripts.tool never imports testbed",
    ]
