"""Counter work: open a case from the slip's QR (scanner or camera), even before the case has synced.

The QR is sealed to the counter key central holds (or, for a day after a rotation, the previous one) and
signed by the unit that printed it; an unknown or revoked unit's QR is refused, and the office and unit are
the signing unit's as the device registry has them, never what the QR text claims. The case is recorded under
the submission id the QR carries, so when its envelope syncs later ingest marks this same case synced and
keeps what staff did — one case, never two. Never logs the QR or its contents.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from central.accounts.service import Staff
from central.audit import log
from central.cases.records import NewCase, add_case, prepare_synced, stored_or_new_plan
from central.errors import ActionRefusedError, CaseForbiddenError
from central.models import Case, Device, Origin
from procedures.planner import CatalogPlanner
from protocol.qr_seal import CaseQr, CounterKey, QrError, open_qr_with

ATTEMPTS = 2
"""A second try when ingest or the background step recorded the case between our read and our write."""


def _case_qr(session: Session, text: str, counters: Sequence[CounterKey]) -> CaseQr:
    try:
        opened = open_qr_with(text, counters)
    except QrError as exc:
        raise ActionRefusedError("読み取れない、または他の市のQRコードです") from exc
    if not isinstance(opened.payload, CaseQr):
        raise ActionRefusedError("受付票のQRコードではありません")
    device = session.get(Device, opened.issuer)
    if device is None or device.revoked_at is not None:
        raise ActionRefusedError("登録されていない窓口端末が発行したQRコードです")
    try:
        opened.verify(ed25519.Ed25519PublicKey.from_public_bytes(device.public_key))
    except QrError as exc:
        raise ActionRefusedError("QRコードの署名が正しくありません") from exc
    _issued(opened.payload)
    return msgspec.structs.replace(opened.payload, office_id=device.office_id, device_id=device.id)


def _issued(payload: CaseQr) -> datetime:
    """When the slip was printed: ISO 8601 with its offset, or a clear refusal."""
    try:
        moment = datetime.fromisoformat(payload.issued_at)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ActionRefusedError("受付票の発行日時が正しくありません（ISO 8601 形式ではありません）")
    return moment


def _new_case(payload: CaseQr, planner: CatalogPlanner) -> NewCase:
    """The case as the QR tells it, planned afresh (no plan if the navigator cannot plan its facts)."""
    return NewCase(
        payload.submission_id,
        payload.office_id,
        payload.ticket,
        Origin.QR,
        _issued(payload),
        payload.facts,
        stored_or_new_plan(planner, None, payload.facts),
        payload.device_id,
    )


def _record(session: Session, staff: Staff, payload: CaseQr, planner: CatalogPlanner) -> None:
    """Record the case if central has not seen it, or prepare it if it synced but is not prepared yet."""
    case = session.get(Case, payload.submission_id)
    if case is not None and not staff.may_see(case.office_id):
        raise CaseForbiddenError
    if case is None:
        add_case(session, _new_case(payload, planner), datetime.now(UTC))
    elif case.prepared_at is None:
        prepare_synced(session, case, planner, datetime.now(UTC))
    session.commit()


def open_by_qr(
    engine: Engine,
    counters: Sequence[CounterKey],
    planner: CatalogPlanner,
    staff: Staff,
    text: str,
) -> str:
    """The id of the case on this slip, recording it first if central has not seen it yet."""
    with Session(engine) as session:
        payload = _case_qr(session, text, counters)
        if not staff.may_see(payload.office_id):
            raise CaseForbiddenError
        for _ in range(ATTEMPTS):
            try:
                _record(session, staff, payload, planner)
                break
            except IntegrityError:  # recorded by ingest or prepared by the background a moment ago
                session.rollback()
        log.record(session, staff.name, "open_qr", office_id=payload.office_id, case_id=payload.submission_id)
        session.commit()
    return payload.submission_id
