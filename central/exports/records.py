"""The exported shape of an approved procedure: one record serves the JSON export, the CSV rows and webhooks.

Layout (stable; documented in docs/staff.md): the case and procedure ids, where and when it was approved,
the applicant and household as corrected by staff, every field of the procedure's forms, and the fields
staff flagged for 外字 handling. Never logs a record.
"""

from typing import Any

import msgspec
from sqlmodel import Session, col, select

from central.city_time import city_iso
from central.models import Case, CaseProcedure, Correction
from protocol.plan import decode_plan

RECORD_VERSION = 1


def gaiji_fields(session: Session, case_id: str) -> list[str]:
    """Fields of a case that staff flagged as needing 外字/字形 handling in the core system."""
    query = select(Correction.field).where(Correction.case_id == case_id, col(Correction.gaiji).is_(True))
    return sorted(set(session.exec(query)))


def procedure_record(case: Case, row: CaseProcedure, gaiji: list[str]) -> dict[str, Any]:
    """The record of one procedure of one case."""
    facts: dict[str, Any] = msgspec.json.decode(case.facts)
    plan = decode_plan(case.plan)
    return {
        "v": RECORD_VERSION,
        "case_id": case.id,
        "procedure_id": row.procedure_id,
        "procedure_name": row.name,
        "department": row.department,
        "counter": row.counter,
        "office_id": case.office_id,
        "ticket": case.ticket,
        "life_event": case.life_event,
        "status": row.status,
        "approved_at": city_iso(row.approved_at) if row.approved_at else None,
        "approved_by": row.approved_by,
        "applicant": facts["applicant"],
        "household": facts["household"],
        "forms": [
            {
                "id": form.id,
                "form": form.form,
                "title": form.title,
                "member": form.member,
                "fields": [
                    {"id": item.id, "label": item.label, "member": item.member, "value": item.value}
                    for item in form.fields
                ],
            }
            for form in (plan.forms_of(row.procedure_id) if plan else [])
        ],
        "gaiji": gaiji,
    }
