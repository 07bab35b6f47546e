"""Device profiles: every shipped profile loads, and mistakes are errors that name the key."""

import re
from pathlib import Path

import pytest

from edge_agent.profile import FolderCamera, NetworkPrinter, ProfileError, load_profile, profile_schema

PROFILES = Path(__file__).parents[2] / "device_profiles"
VALID = """
[device]
model = "test unit"
[card_reader]
type = "pcsc"
reader = "Virtual PCD 00 00"
[camera]
type = "folder"
path = "frames"
[printer]
type = "network"
host = "127.0.0.1"
"""


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.toml")), ids=lambda path: path.name)
def test_shipped_profiles_load(path: Path) -> None:
    load_profile(path)


def test_emulated_profile(tmp_path: Path) -> None:
    profile = load_profile(PROFILES / "emulated.toml")
    assert profile.card_reader.reader == "Virtual PCD 00 00"
    assert isinstance(profile.printer, NetworkPrinter)
    assert isinstance(profile.camera, FolderCamera)
    assert Path(profile.camera.path).is_dir()


def test_defaults_and_relative_folder(tmp_path: Path) -> None:
    (tmp_path / "unit.toml").write_text(VALID)
    profile = load_profile(tmp_path / "unit.toml")
    assert profile.printer.width_dots == 576
    assert isinstance(profile.printer, NetworkPrinter)
    assert profile.printer.port == 9100
    assert isinstance(profile.camera, FolderCamera)
    assert profile.camera.path == str(tmp_path / "frames")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('host = "127.0.0.1"', 'host = "127.0.0.1"\ncolour = "red"'),
            "unknown field `colour` - at `$.printer`",
        ),
        (('type = "network"', 'type = "bluetooth"'), "Invalid value 'bluetooth' - at `$.printer.type`"),
        (('host = "127.0.0.1"', 'host = "127.0.0.1"\nwidth_dots = 500'), "at `$.printer.width_dots`"),
        (('host = "127.0.0.1"', 'host = "127.0.0.1"\nport = 70000'), "at `$.printer.port`"),
        (('model = "test unit"', ""), "missing required field `model` - at `$.device`"),
        (("[camera]", "[camera]]"), "not valid TOML"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    (tmp_path / "unit.toml").write_text(VALID.replace(*change))
    with pytest.raises(ProfileError, match=re.escape(message)):
        load_profile(tmp_path / "unit.toml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "absent.toml")


def test_every_field_is_documented() -> None:
    definitions = profile_schema()["$defs"]
    assert isinstance(definitions, dict)
    for name, definition in definitions.items():
        assert definition.get("description"), name
        for field, schema in definition["properties"].items():
            if field not in ("type", "device", "card_reader", "camera", "printer"):
                assert schema.get("description"), f"{name}.{field}"
