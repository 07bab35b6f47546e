"""Enrolling a counter unit and renewing its certificate; marking a unit revoked.

Order matters. Everything that can refuse (the keys, the CSR, the grant) is checked before anything is
written. The unit is then admitted to the running broker before its grant is spent, so a broker that cannot
be reached costs the unit nothing but a retry with the same token. Spending the grant and recording the unit
are one transaction; a unit admitted for a grant that another unit spent meanwhile is removed again. The
certificate comes last: a broker client nobody holds a certificate for lets nobody in. Renewal is asked by
the unit itself, signed with its device key, and refused once the unit is revoked. Nothing here logs keys.
"""

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from central.fleet import ca
from central.fleet.broker_admin import BrokerAdmin
from central.fleet.ca_store import CityCA
from central.fleet.dynsec import EnrolledUnit
from central.fleet.grants import EnrolmentRefused, claim, spend
from central.models import Device
from protocol.enrolment import (
    EnrolRequest,
    InvalidDeviceKey,
    RenewRequest,
    device_key,
    proof_holds,
    renewal_fault,
)


@dataclass(frozen=True, slots=True)
class Fleet:
    """What enrolment works with: central's database, the city CA, and the broker's admin API (None: no
    secured broker, e.g. a test's anonymous one)."""

    engine: Engine
    authority: CityCA
    admin: BrokerAdmin | None


@dataclass(frozen=True, slots=True)
class Enrolled:
    """The unit central recorded, and the certificate (PEM) it issued for the unit's TLS key."""

    device: Device
    certificate: bytes


def _check_csr(csr: str) -> None:
    try:
        ca.public_key_of_csr(csr.encode())
    except ca.CertificateRefused as exc:
        raise EnrolmentRefused(f"malformed CSR: {exc}", 422) from exc


def _check_keys(request: EnrolRequest) -> None:
    try:
        public = device_key(request.public_key)
    except InvalidDeviceKey as exc:
        raise EnrolmentRefused(str(exc), 422) from exc
    _check_csr(request.csr)
    if not proof_holds(public, request.csr, request.proof):
        raise EnrolmentRefused("the proof does not verify: the device key did not sign this CSR", 422)


async def enrol(fleet: Fleet, request: EnrolRequest) -> Enrolled:
    """Enrol one unit, or raise EnrolmentRefused (with its HTTP status) saying why not."""
    now = datetime.now(UTC)
    _check_keys(request)
    grant = await asyncio.to_thread(
        claim, fleet.engine, token=request.token, serial=request.serial, office_id=request.office_id, now=now
    )
    device = Device(
        id=f"cu-{secrets.token_hex(5)}",
        office_id=grant.office_id,
        public_key=request.public_key,
        enrolled_at=now,
        profile=grant.profile,
    )
    if fleet.admin is not None:
        await fleet.admin.admit(EnrolledUnit(device.id, device.office_id))
    try:
        await asyncio.to_thread(spend, fleet.engine, grant, device, now)
    except EnrolmentRefused:
        if fleet.admin is not None:
            await fleet.admin.remove(device.id)
        raise
    certificate = await asyncio.to_thread(fleet.authority.certify_unit, device.id, request.csr.encode())
    return Enrolled(device, certificate)


async def renew(fleet: Fleet, request: RenewRequest) -> bytes:
    """A new certificate (PEM) for the unit that signed the request, or EnrolmentRefused saying why not."""
    device = await asyncio.to_thread(_device, fleet.engine, request.device_id)
    if device is None:
        raise EnrolmentRefused(f"unknown unit {request.device_id}")
    if device.revoked_at is not None:
        raise EnrolmentRefused(f"unit {device.id} is revoked")
    fault = renewal_fault(device_key(device.public_key), request, datetime.now(UTC))
    if fault is not None:
        raise EnrolmentRefused(fault)
    _check_csr(request.csr)
    return await asyncio.to_thread(fleet.authority.certify_unit, device.id, request.csr.encode())


def _device(engine: Engine, device_id: str) -> Device | None:
    with Session(engine) as session:
        return session.get(Device, device_id)


def revoke(engine: Engine, device_id: str) -> Device:
    """Mark a device revoked (once: the first time stands); ingest refuses its envelopes from then on."""
    with Session(engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            raise KeyError(device_id)
        if device.revoked_at is None:
            device.revoked_at = datetime.now(UTC)
            session.add(device)
            session.commit()
            session.refresh(device)
    return device
