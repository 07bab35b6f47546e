"""HTTP endpoints a counter unit calls by itself: enrol on first boot, renew its certificate before expiry.

A refusal answers with its status (403: the grant or the unit does not allow it; 422: the request itself is
wrong; 503: the broker could not admit the unit, ask again) and the reason, which the unit prints for IT.
"""

from litestar import Controller, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.params import JSONBody

from central.fleet.broker_admin import BrokerAdminError
from central.fleet.enrolment import enrol, renew
from central.fleet.grants import EnrolmentRefused
from protocol.enrolment import EnrolRequest, EnrolResponse, RenewRequest, RenewResponse


class EnrolmentController(Controller):
    """`POST /api/enrol` and `POST /api/enrol/renew`."""

    path = "/api/enrol"
    tags = ("fleet",)

    @post("/", status_code=201)
    async def enrol_device(self, data: JSONBody[EnrolRequest], state: State) -> EnrolResponse:
        """Spend a token or an approved serial and return the unit's identity, certificate and keys."""
        try:
            enrolled = await enrol(state.fleet, data)
        except EnrolmentRefused as exc:
            raise HTTPException(status_code=exc.status, detail=str(exc)) from exc
        except BrokerAdminError as exc:
            raise HTTPException(status_code=503, detail=f"{exc}; nothing was spent: ask again") from exc
        return EnrolResponse(
            device_id=enrolled.device.id,
            office_id=enrolled.device.office_id,
            profile=enrolled.device.profile,
            city_public_key=state.city_key.public.raw,
            broker_url=state.unit_broker_url,
            counter_key=state.counter_key.raw,
            central_key=state.signing_key.public_key().public_bytes_raw(),
            certificate=enrolled.certificate.decode(),
            ca_chain=state.fleet.authority.cert_pem.decode(),
        )

    @post("/renew", status_code=201)
    async def renew_certificate(self, data: JSONBody[RenewRequest], state: State) -> RenewResponse:
        """A new certificate for the unit that signed the request with its device key."""
        try:
            certificate = await renew(state.fleet, data)
        except EnrolmentRefused as exc:
            raise HTTPException(status_code=exc.status, detail=str(exc)) from exc
        return RenewResponse(certificate.decode(), state.fleet.authority.cert_pem.decode())
