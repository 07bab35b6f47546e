"""From a sealed submission to the slip the kiosk prints: counters in order, documents, and the case QR.

The slip itself carries no personal data; the case QR does, sealed to the counter key and signed by this
unit, and holds only what fits an 80 mm slip (QR version 25 at most). Nothing here logs or writes to disk.
"""

from datetime import datetime

import msgspec

from edge_agent.hardware.printer import CounterStop, Slip
from edge_agent.identity import Identity
from edge_agent.submission import SubmissionCreated
from protocol.facts import Facts
from protocol.plan import Plan, PlannedProcedure, Text
from protocol.qr_seal import CaseQr, seal_qr
from protocol.queue import status_url

from .i18n import N_, translations

MAX_QR_CHARS = 1451
"""Alphanumeric capacity of QR version 25 at ECC M, the largest that prints at 4 dots a module on 80 mm."""


def both(text: Text) -> str:
    """A plan text in Japanese, followed by the citizen's language when that differs."""
    japanese, citizen = text.ja, text.citizen
    return japanese if citizen == japanese else f"{japanese} / {citizen}"


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


GUIDANCE = N_("information only")
"""Marks a guidance procedure (案内) on the slip: nothing to sign there."""


def _label(procedure: PlannedProcedure, language: str) -> str:
    """A procedure's name; guidance is marked 【案内】 (and in the citizen's language)."""
    if procedure.kind != "guidance":
        return both(procedure.name)
    mark = translations(language).gettext(GUIDANCE)
    return f"【案内】{both(procedure.name)}" + ("" if language.startswith("ja") else f" ({mark})")


def _stops(plan: Plan) -> list[CounterStop]:
    names = {procedure.id: _label(procedure, plan.language) for procedure in plan.procedures}
    return [
        CounterStop(
            name=both(counter.name),
            floor=f"{counter.floor}F",
            location=counter.location.ja,
            procedures=[names[procedure_id] for procedure_id in counter.procedures],
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
    """The slip for a sealed submission, headings in Japanese and the citizen's language; with the ticket's
    status page under `status_base` (central's public URL) when one is given."""
    plan = created.plan
    return Slip(
        office=office,
        ticket=created.ticket,
        language=language,
        stops=_stops(plan),
        documents=[both(document.name) for document in plan.documents],
        qr_text=qr_text,
        issued_at=issued.strftime("%Y-%m-%d %H:%M"),
        status_url=status_url(status_base, created.submission_id) if status_base else "",
    )
