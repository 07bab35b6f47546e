"""Device profiles: which card reader, camera and printer a counter unit has, read from a strict TOML file.

Each device is chosen by its `type` field; unknown keys and wrong types are errors naming the key path, so a
typo never silently falls back to a default. This module must stay importable without any hardware library:
the drivers are imported by `edge_agent.hardware` only once a profile asks for them.
"""

from pathlib import Path
from typing import Annotated, Literal

import msgspec

Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]


class ProfileError(ValueError):
    """The profile file is missing, not TOML, or does not follow the schema."""


class _Section(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Base of every profile table: unknown keys are errors."""


class DeviceInfo(_Section, frozen=True):
    """`[device]`: what the unit is, for people and the fleet console."""

    model: Annotated[str, msgspec.Meta(description="Human name of the hardware build.")]
    office: Annotated[str, msgspec.Meta(description="Label of the office or counter it stands at.")] = ""


class PcscReader(_Section, tag="pcsc", tag_field="type", frozen=True):
    """`[card_reader] type = "pcsc"`: a PC/SC reader served by pcscd."""

    reader: Annotated[
        str, msgspec.Meta(min_length=1, description="Part of the PC/SC reader name, e.g. 'ACR1252'.")
    ]


class Picamera2Camera(_Section, tag="picamera2", tag_field="type", frozen=True):
    """`[camera] type = "picamera2"`: a Raspberry Pi camera module through libcamera."""

    width: Annotated[int, msgspec.Meta(gt=0, description="Frame width in pixels.")] = 1280
    height: Annotated[int, msgspec.Meta(gt=0, description="Frame height in pixels.")] = 960


class OpencvCamera(_Section, tag="opencv", tag_field="type", frozen=True):
    """`[camera] type = "opencv"`: a USB (UVC) webcam through OpenCV's V4L2 back end."""

    device: Annotated[int, msgspec.Meta(ge=0, description="V4L2 device index (/dev/videoN).")] = 0
    width: Annotated[int, msgspec.Meta(gt=0, description="Requested frame width in pixels.")] = 1280
    height: Annotated[int, msgspec.Meta(gt=0, description="Requested frame height in pixels.")] = 960


class FolderCamera(_Section, tag="folder", tag_field="type", frozen=True):
    """`[camera] type = "folder"`: images from a directory, for tests and the demo."""

    path: Annotated[
        str, msgspec.Meta(description="Image directory; a relative path is relative to the profile file.")
    ]
    loop: Annotated[bool, msgspec.Meta(description="Start again from the first image at the end.")] = False


class _Printer(_Section, frozen=True):
    """Settings every printer has, whatever its connection."""

    width_dots: Annotated[
        Literal[576, 384], msgspec.Meta(description="Printable width: 576 (80 mm paper) or 384 (58 mm).")
    ] = 576
    japanese: Annotated[
        Literal["kanji", "raster"],
        msgspec.Meta(
            description="'kanji': the printer's Kanji mode with CP932 text; 'raster': CJK font image."
        ),
    ] = "raster"
    qr: Annotated[
        Literal["native", "raster"],
        msgspec.Meta(
            description="'native': the printer draws the QR (GS ( k); 'raster': printed as an image."
        ),
    ] = "native"


class UsbPrinter(_Printer, tag="usb", tag_field="type", kw_only=True, frozen=True):
    """`[printer] type = "usb"`: an ESC/POS printer on USB (needs a udev rule for the service user)."""

    vendor_id: Annotated[int, msgspec.Meta(ge=0, le=0xFFFF, description="USB vendor id, e.g. 0x04b8.")]
    product_id: Annotated[int, msgspec.Meta(ge=0, le=0xFFFF, description="USB product id.")]


class NetworkPrinter(_Printer, tag="network", tag_field="type", kw_only=True, frozen=True):
    """`[printer] type = "network"`: an ESC/POS printer on a raw TCP port."""

    host: Annotated[str, msgspec.Meta(min_length=1, description="Printer host name or address.")]
    port: Annotated[Port, msgspec.Meta(description="Raw printing port.")] = 9100
    timeout: Annotated[float, msgspec.Meta(gt=0, description="Socket timeout in seconds.")] = 10.0


class SerialPrinter(_Printer, tag="serial", tag_field="type", kw_only=True, frozen=True):
    """`[printer] type = "serial"`: an ESC/POS printer on a serial line."""

    device: Annotated[str, msgspec.Meta(description="Serial device, e.g. /dev/ttyUSB0.")]
    baudrate: Annotated[int, msgspec.Meta(gt=0, description="Line speed.")] = 38400


class FilePrinter(_Printer, tag="file", tag_field="type", kw_only=True, frozen=True):
    """`[printer] type = "file"`: write the bytes to a file or device node (no status can be read)."""

    path: Annotated[str, msgspec.Meta(description="File or device node, e.g. /dev/usb/lp0.")]


Camera = Picamera2Camera | OpencvCamera | FolderCamera
Printer = UsbPrinter | NetworkPrinter | SerialPrinter | FilePrinter


class DeviceProfile(_Section, frozen=True):
    """A counter unit's hardware build."""

    device: DeviceInfo
    card_reader: PcscReader
    camera: Camera
    printer: Printer


def load_profile(path: Path) -> DeviceProfile:
    """Read and validate a profile; a folder camera's relative path is resolved against the file's folder."""
    try:
        profile = msgspec.toml.decode(path.read_bytes(), type=DeviceProfile)
    except OSError as error:
        raise ProfileError(f"{path}: cannot read: {error.strerror}") from error
    except msgspec.ValidationError as error:  # its message names the key path, e.g. `$.printer.port`
        raise ProfileError(f"{path}: {error}") from error
    except msgspec.DecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from error
    if isinstance(profile.camera, FolderCamera):
        folder = (path.parent / profile.camera.path).resolve()
        profile = msgspec.structs.replace(
            profile, camera=msgspec.structs.replace(profile.camera, path=str(folder))
        )
    return profile


def profile_schema() -> dict[str, object]:
    """The JSON Schema of a profile, with every field's description, for documentation."""
    return msgspec.json.schema(DeviceProfile)
