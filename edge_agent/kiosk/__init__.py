"""The citizen kiosk, served by the counter unit: language → life event → identity → questions → review →
confirm → sealed submission and printed slip (Litestar + Jinja + htmx, no front-end build step).

Sessions live in memory only and are wiped on finish or idle; the kiosk must never write personal data to
disk or logs. See docs/kiosk.md.
"""

from .app import Kiosk
from .settings import KioskSettings

__all__ = ["Kiosk", "KioskSettings"]
