"""From a sealed submission to the slip the kiosk prints: counters in order, documents, and the case QR.

Headings come from the kiosk's gettext catalogs (Japanese, then the citizen's language; やさしい日本語 alone
for やさしい日本語), counters are named in Japanese (as their signs are) and in the citizen's language, and
the rest is in the citizen's language. The slip itself carries no personal data; the case QR does, sealed to
the counter key and signed by this unit, and holds only what fits an 80 mm slip (QR version 25 at most).
Nothing here logs or writes to disk.
"""

import re
from datetime import datetime

import msgspec

from edge_agent.hardware.printer import CounterStop, Slip, SlipHeadings
from edge_agent.identity import Identity
from edge_agent.submission import SubmissionCreated
from protocol.facts import Facts
from protocol.plan import Plan, Text
from protocol.qr_seal import CaseQr, seal_qr
from protocol.queue import status_url

from .i18n import N_, translations

_NOTE = re.compile(r"\s*[（(][^）)]*[）)]")
"""A counter name's note on what is done there, e.g. （住民異動・証明）: the slip lists that under it."""
MAX_QR_CHARS = 1451
"""Alphanumeric capacity of QR version 25 at ECC M, the largest that prints at 4 dots a module on 80 mm."""


def case_qr_text(identity: Identity, created: SubmissionCreated, facts: Facts, issued_at: str) -> str:
    """The sealed case QR: all facts if they fit, else without answers, else the applicant alone."""
    slimmer = (
        facts,
        msgspec.structs.replace(facts, answers={}),
        msgspec.structs.replace(facts, answers={}, household=[]),
    )
    text = ""
    for candidate in slimmer:
        payload = CaseQr(
            submission_id=created.submission_id,
            ticket=created.ticket,
            office_id=identity.office_id,
            device_id=identity.device_id,
            issued_at=issued_at,
            facts=candidate,
        )
        text = seal_qr(payload, counter=identity.counter, issuer=identity.device_id, signer=identity.signer)
        if len(text) <= MAX_QR_CHARS:
            break
    return text


def heading(message: str, language: str) -> str:
    """A slip heading from the catalogs: Japanese, then the citizen's language; Japanese readers get one."""
    citizen = translations(language).gettext(message)
    if language.startswith("ja"):
        return citizen
    return f"{translations('ja').gettext(message)} / {citizen}"


def slip_headings(language: str) -> SlipHeadings:
    """Every fixed text of the slip in a kiosk language."""
    return SlipHeadings(
        ticket=heading(N_("Your number"), language),
        stops=heading(N_("Visit in this order"), language),
        documents=heading(N_("Please bring"), language),
        qr=heading(N_("Show this QR at each counter"), language),
        status=heading(N_("Check your turn on your phone"), language),
        guidance=guidance_mark(language),
    )


def counter_name(name: Text) -> str:
    """A counter as its sign says in Japanese, then in the citizen's language, each without its note (the
    slip lists what is done there); a Japanese slip keeps the sign's whole name."""
    if name.citizen == name.ja:
        return name.ja
    return " / ".join(_NOTE.sub("", part) or part for part in (name.ja, name.citizen))


GUIDANCE = N_("information only")
"""Marks a counter's guidance (案内) on the slip: nothing to sign there."""


def guidance_mark(language: str) -> str:
    """【案内】, which staff know, and in the citizen's language after it (やさしい日本語 too)."""
    if language == "ja":
        return "【案内】"
    return f"【案内】({translations(language).gettext(GUIDANCE)})"


def _stops(plan: Plan) -> list[CounterStop]:
    procedures = {procedure.id: procedure for procedure in plan.procedures}

    def names(ids: list[str], *, guidance: bool) -> list[str]:
        chosen = (procedures[id_] for id_ in ids)
        return [procedure.name.citizen for procedure in chosen if (procedure.kind == "guidance") == guidance]

    return [
        CounterStop(
            name=counter_name(counter.name),
            floor=f"{counter.floor}F",
            location=counter.location.citizen,
            procedures=names(counter.procedures, guidance=False),
            guidance=names(counter.procedures, guidance=True),
        )
        for counter in plan.visiting_order()
    ]


def build_slip(
    *,
    office: str,
    created: SubmissionCreated,
    language: str,
    qr_text: str,
    issued: datetime,
    status_base: str = "",
) -> Slip:
    """The slip for a sealed submission; `issued` is printed as it is given, with its zone (e.g. JST); with
    the ticket's status page under `status_base` (central's public URL) when one is given."""
    plan = created.plan
    return Slip(
        office=office,
        ticket=created.ticket,
        language=language,
        stops=_stops(plan),
        documents=[document.name.citizen for document in plan.documents],
        qr_text=qr_text,
        issued_at=issued.strftime("%Y-%m-%d %H:%M %Z").strip(),
        headings=slip_headings(language),
        status_url=status_url(status_base, created.submission_id) if status_base else "",
    )
