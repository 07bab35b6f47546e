"""`/preentry/`: the public pre-entry page (details, the kiosk's questionnaire, the sealed QR) and its signing
key's public half.

No login: anyone may make a pre-entry QR. Nothing posted is stored or logged; the QR is sealed to the
counter key so only counter units and central can read it. Because it is public, every post is bounded (body
size, field lengths, a budget per client address) before any sealing or QR drawing.
"""

import base64
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec
import segno
from cryptography.hazmat.primitives.asymmetric import ed25519
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict, State
from litestar.enums import MediaType
from litestar.params import FromQuery

from central.accounts.auth import STAFF_HEADERS
from central.throttle import Throttle
from procedures.asked import localize
from procedures.catalog import Catalog
from procedures.navigator import given_answers
from procedures.planner import CatalogPlanner
from protocol import date_entry
from protocol.citizen_text import EVENTS, HEAD, HOUSEHOLD_ADDRESS, ROLE_QUESTION, ROLES, SEXES
from protocol.facts import Facts
from protocol.qr_seal import PreEntryQr, seal_qr

from .form import LIMITS, Entry, check, member_count
from .i18n import LANGUAGES, N_, html_lang, translations
from .keys import ISSUER, load_or_create_signer
from .questionnaire import (
    ANIMAL_ROWS,
    PREFIX,
    SHOWN,
    InvalidAnswerError,
    InvalidPersonError,
    advance,
    carried,
    encode,
)

_environment = Environment(
    loader=ChoiceLoader(
        [
            FileSystemLoader(Path(__file__).resolve().parent / "templates"),
            FileSystemLoader(date_entry.TEMPLATES),
        ]
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.globals.update(date_entry.TEMPLATE_GLOBALS)
DATE_ENTRY_SCRIPT = (date_entry.STATIC / "date_entry.js").read_bytes()


def _catalog(state: State) -> Catalog:
    """The city's catalog (loaded by the staff side at start-up): its name and household relations."""
    planner: CatalogPlanner = state.staff_planner
    return planner.catalog


def _signer(state: State) -> ed25519.Ed25519PrivateKey:
    if "preentry_signer" not in state:
        state.preentry_signer = load_or_create_signer(state.settings.data_dir)
    signer: ed25519.Ed25519PrivateKey = state.preentry_signer
    return signer


def _page(
    template: str, language: str, catalog: Catalog, *, status: int = 200, **context: Any
) -> Response[str]:
    relations = {key: localize(item.label, language).citizen for key, item in catalog.relations.items()}
    html = _environment.get_template(template).render(
        _=translations(language).gettext,
        name_of=lambda tag: translations(tag).gettext("this language"),
        lang=language,
        html_lang=html_lang(language),
        languages=LANGUAGES,
        events=EVENTS,
        sexes=SEXES,
        roles=ROLES,
        role_question=ROLE_QUESTION,
        household_address=HOUSEHOLD_ADDRESS,
        head_label=HEAD,
        relations=relations,
        city=localize(catalog.meta.city, language).citizen,
        limits=LIMITS,
        **{"notice": None, **context},
    )
    return Response(html, media_type=MediaType.HTML, status_code=status)


def _getter(posted: FormMultiDict) -> Callable[[str], list[str] | None]:
    """A posted field's values, or None when the page did not post it."""

    def values(name: str) -> list[str] | None:
        return [str(value) for value in posted.getall(name)] if name in posted else None

    return values


def _language(value: str | None) -> str:
    return value if value in LANGUAGES else "ja"


MAX_BODY = 64 * 1024
"""A complete form with nine family members is under 4 KB."""
POSTS_PER_CLIENT = Throttle(limit=60, window=600.0)
"""Posts (add a member, make the QR) one client address may send per 10 minutes: more than a family needs."""
TOO_MANY = N_("Too many requests from this device. Please wait a few minutes and try again.")
START_AGAIN = N_("Some answers no longer fit these details. Please check them and continue.")
TOO_BIG_FOR_QR = N_(
    "The details are too long for one QR code. Please shorten them, or enter family members at the counter."
)


def _sealed_qr(state: State, facts: Facts) -> segno.QRCode | None:
    """The QR code of these facts, sealed and signed; None if they are too long for one QR code."""
    payload = PreEntryQr(created_at=datetime.now(UTC).isoformat(), facts=facts)
    text = seal_qr(payload, counter=state.counter_key, issuer=ISSUER, signer=_signer(state))
    try:
        return segno.make(text, error="m")
    except segno.DataOverflowError:
        return None


def _qr_page(state: State, catalog: Catalog, entry: Entry, facts: Facts) -> Response[str]:
    """The sealed QR of complete facts (or the form again if they are too long for one QR)."""
    code = _sealed_qr(state, facts)
    if code is None:
        return _page(
            "form.html.jinja", facts.language, catalog, status=422, entry=entry, notice=TOO_BIG_FOR_QR
        )
    return _page("qr.html.jinja", facts.language, catalog, image=code.png_data_uri(scale=6, border=4))


class PreEntryController(Controller):
    """The pre-entry page."""

    path = "/preentry"
    include_in_schema = False
    response_headers = STAFF_HEADERS

    @get("/", sync_to_thread=False)
    def form(self, state: State, lang: FromQuery[str | None] = None) -> Response[str]:
        """The empty form, in the chosen language."""
        return _page("form.html.jinja", _language(lang), _catalog(state), entry=Entry({}, 0))

    @post("/", request_max_body_size=MAX_BODY)
    async def submit(self, request: Request[Any, Any, State], state: State) -> Response[str]:
        """Add a member row, or check the details, then ask the questions, then show the sealed QR."""
        posted = await request.form()
        values = {key: str(value) for key, value in posted.items()}
        language = _language(values.get("lang"))
        values["lang"] = language
        members = member_count(values.get("members", "0"))
        catalog = _catalog(state)
        client = request.client.host if request.client else "-"
        if not POSTS_PER_CLIENT.allow(client):
            entry = Entry.from_form(values, members)
            response = _page("form.html.jinja", language, catalog, status=429, entry=entry, notice=TOO_MANY)
            response.headers["retry-after"] = str(POSTS_PER_CLIENT.retry_after(client))
            return response
        if values.get("action") == "add":
            return _page("form.html.jinja", language, catalog, entry=Entry.from_form(values, members + 1))
        details = {
            key: value for key, value in values.items() if not key.startswith(PREFIX) and key != "answers"
        }
        entry = Entry.from_form(details, members)
        facts = check(entry, set(catalog.relations))
        # details too long for one QR code are said at once, before the citizen answers the questions
        too_big = facts is not None and "answers" not in values and _sealed_qr(state, facts) is None
        if facts is None or too_big or values.get("action") == "edit":
            notice = TOO_BIG_FOR_QR if too_big else None
            status = 422 if facts is None or too_big else 200
            return _page("form.html.jinja", language, catalog, status=status, entry=entry, notice=notice)
        try:
            earlier = {**facts.answers, **carried(values.get("answers", ""))}
            progress = advance(catalog, facts, earlier, _getter(posted))
            facts = msgspec.structs.replace(facts, answers=progress.answers)
            given = given_answers(catalog, facts, date.today())
        except (InvalidAnswerError, InvalidPersonError):
            return _page("form.html.jinja", language, catalog, status=422, entry=entry, notice=START_AGAIN)
        if progress.open:
            return _page(
                "questions.html.jinja",
                language,
                catalog,
                status=422 if progress.problems else 200,
                entry=entry,
                state=progress,
                answers_text=encode(progress.answers),
                prefix=PREFIX,
                shown=SHOWN,
                animal_rows=ANIMAL_ROWS,
            )
        facts = msgspec.structs.replace(facts, answers={question.id: value for question, value in given})
        return _qr_page(state, catalog, entry, facts)

    @get("/date_entry.js", sync_to_thread=False, media_type="text/javascript")
    def date_entry_script(self) -> bytes:
        """The date entry's script (shared with the kiosk): shows the date in the other calendar."""
        return DATE_ENTRY_SCRIPT

    @get("/key", sync_to_thread=False)
    def key(self, state: State) -> dict[str, str]:
        """The public half of the pre-entry signing key (base64 of the raw 32 bytes)."""
        public = _signer(state).public_key().public_bytes_raw()
        return {"issuer": ISSUER, "public_key": base64.b64encode(public).decode()}
