"""Everything the kiosk screens share — services, catalog, hardware, sessions — and page rendering.

Pages are rendered here with the session's gettext catalog; a page must never include personal data of
anyone but the session's own citizen, and nothing rendered is logged.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.response import Redirect

from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.submission import EdgeServices
from procedures.asked import localize
from procedures.catalog import Catalog
from protocol import date_entry
from protocol.wareki import wareki_iso

from .i18n import LANGUAGES, N_, html_lang, translations
from .kana import KanaConverter
from .scanner import QrScanner
from .session import KioskSession, SessionStore
from .settings import AdminLock, KioskSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"
STEPS = (N_("What"), N_("Who"), N_("Questions"), N_("Check"), N_("Slip"))
"""The progress bar at the top of every citizen screen; a page passes `step` (1-5) to light its part."""
COOKIE = "kiosk"
START = "/kiosk/"

_environment = Environment(
    loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(date_entry.TEMPLATES)]),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["wareki"] = wareki_iso
_environment.globals.update(date_entry.TEMPLATE_GLOBALS)


class SessionGone(Exception):  # noqa: N818  # a redirect to the start screen, not an error
    """The request has no live session (never started, finished or wiped after idling)."""


@dataclass
class KioskContext:
    """The kiosk's shared parts, built once by `Kiosk`."""

    services: EdgeServices
    catalog: Catalog
    hardware: CounterUnitHardware
    settings: KioskSettings
    sessions: SessionStore = field(init=False)
    scanner: QrScanner = field(init=False)
    admin_sessions: SessionStore = field(init=False)
    """Open admin menus, apart from citizens' sessions."""
    admin_lock: AdminLock = field(init=False)
    converter: KanaConverter = field(init=False)
    """The on-screen keyboard's kana→kanji dictionary (loaded on first use)."""

    def __post_init__(self) -> None:
        self.converter = KanaConverter()
        self.sessions = SessionStore(self.settings.idle_seconds)
        self.scanner = QrScanner(self.hardware)
        self.admin_sessions = SessionStore(self.settings.idle_seconds)
        self.admin_lock = AdminLock()

    def session(self, request: Request[Any, Any, Any], *, touch: bool = True) -> KioskSession:
        """The request's live session; raises SessionGone (→ the start screen) if there is none."""
        session = self.sessions.get(request.cookies.get(COOKIE), touch=touch)
        if session is None:
            raise SessionGone
        return session

    def translate(self, language: str) -> Callable[[str], str]:
        """The gettext function of a kiosk language."""
        return translations(language).gettext

    def localized(self, texts: dict[str, str], language: str) -> str:
        """A catalog text in the citizen's language."""
        return localize(texts, language).citizen

    def relations(self, language: str) -> dict[str, str]:
        """Household relation codes with their labels in a kiosk language."""
        return {
            key: self.localized(relation.label, language) for key, relation in self.catalog.relations.items()
        }

    def page(self, template: str, language: str, *, status: int = 200, **context: Any) -> Response[str]:
        """Render a screen in a kiosk language."""
        html = _environment.get_template(template).render(
            **{"error": None, "back": None, "step": None, **context},
            _=translations(language).gettext,
            lang=language,
            html_lang=html_lang(language),
            languages=LANGUAGES,
            steps=STEPS,
            converter_ready=self.converter.available,
            idle_seconds=self.settings.idle_seconds,
            city=self.localized(self.catalog.meta.city, language),
        )
        return Response(html, media_type=MediaType.HTML, status_code=status)


def go(path: str) -> Redirect:
    """Redirect after a POST (303: the browser follows with GET)."""
    return Redirect(path, status_code=303)
