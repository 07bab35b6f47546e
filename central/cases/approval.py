"""Who may approve what: a clerk approves the procedures of their own departments; the roles the city lets
approve any department (MADOGUCHI_APPROVE_ANY_DEPARTMENT, default `supervisor,admin`) approve them all.

A user's departments are rows of `staff_department` (`madoguchi central user add --department 市民課`),
named as the catalog names departments in Japanese, which is what each procedure row stores.
"""

import functools
import os
from collections.abc import Iterable

from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from central.accounts.service import Staff
from central.errors import ForbiddenError
from central.models import StaffDepartment
from procedures.catalog import Catalog

DEFAULT_APPROVERS = "supervisor,admin"


class NotYourDepartmentError(ForbiddenError):
    """The procedure belongs to a department the user does not approve for."""

    message = "担当課の手続ではないため承認できません"


@functools.cache
def any_department_roles() -> frozenset[str]:
    """The roles that approve every department's procedures."""
    raw = os.environ.get("MADOGUCHI_APPROVE_ANY_DEPARTMENT", DEFAULT_APPROVERS)
    return frozenset(role.strip() for role in raw.split(",") if role.strip())


def departments_of(session: Session, staff: Staff) -> frozenset[str] | None:
    """The departments the user approves for; None means every department."""
    if staff.role in any_department_roles():
        return None
    rows = session.exec(select(StaffDepartment.department).where(StaffDepartment.user_name == staff.name))
    return frozenset(rows)


def check_may_approve(departments: frozenset[str] | None, department: str) -> None:
    """Raise NotYourDepartmentError unless the user approves for this department."""
    if departments is not None and department not in departments:
        raise NotYourDepartmentError


def catalog_departments(catalog: Catalog) -> set[str]:
    """The departments the catalog's procedures belong to, as procedure rows name them."""
    return {item.procedure.department["ja"] for item in catalog.procedures}


def set_departments(engine: Engine, user_name: str, departments: Iterable[str]) -> None:
    """Replace the departments a user approves for."""
    with Session(engine) as session:
        session.exec(delete(StaffDepartment).where(col(StaffDepartment.user_name) == user_name))
        for department in sorted(set(departments)):
            session.add(StaffDepartment(user_name=user_name, department=department))
        session.commit()


def approvable_departments(engine: Engine, staff: Staff, departments: set[str]) -> frozenset[str]:
    """Which of these departments the user approves for."""
    with Session(engine) as session:
        mine = departments_of(session, staff)
    return frozenset(departments if mine is None else departments & mine)
