"""Counter work: open a case from the slip's QR (scanner or camera), even before the case has synced.

The QR is sealed to the counter key central holds and signed by the unit that printed it; an unknown or
revoked unit's QR is refused. The working record takes the case's submission id, so when the case syncs
later the merge finds it and marks it synced — one case, never two. Never logs the QR or its contents.
"""

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from central.accounts.service import Staff
from central.audit import log
from central.cases.actions import ActionRefusedError
from central.cases.views import CaseForbiddenError
from central.cases.work import NewCase, add_work_case, stored_or_new_plan
from central.models import Case, Device, WorkCase
from procedures.planner import CatalogPlanner
from protocol.qr_seal import CaseQr, CounterKey, QrError, open_qr


def _case_qr(session: Session, text: str, counter: CounterKey) -> CaseQr:
    try:
        opened = open_qr(text, counter)
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
    return opened.payload


def _new_case(session: Session, payload: CaseQr, planner: CatalogPlanner) -> tuple[NewCase, bool]:
    """What to record: the synced case if it is already here, else the QR's facts planned afresh."""
    synced = session.get(Case, payload.submission_id)
    plan = stored_or_new_plan(planner, synced.plan if synced else None, payload.facts)
    created = datetime.fromisoformat(payload.issued_at)
    new = NewCase(
        payload.submission_id,
        payload.office_id,
        payload.ticket,
        "qr",
        created,
        payload.facts,
        plan,
    )
    return new, synced is not None


def open_by_qr(
    engine: Engine,
    counter: CounterKey,
    planner: CatalogPlanner,
    staff: Staff,
    text: str,
) -> str:
    """The id of the case on this slip, recording it first if central has not seen it yet."""
    with Session(engine) as session:
        payload = _case_qr(session, text, counter)
        if not staff.may_see(payload.office_id):
            raise CaseForbiddenError(payload.submission_id)
        if session.get(WorkCase, payload.submission_id) is None:
            new, synced = _new_case(session, payload, planner)
            add_work_case(session, new, datetime.now(UTC), synced)
            try:
                session.commit()
            except IntegrityError:  # the sync merged it a moment ago: the case is there
                session.rollback()
        log.record(session, staff.name, "open_qr", office_id=payload.office_id, case_id=payload.submission_id)
        session.commit()
    return payload.submission_id
