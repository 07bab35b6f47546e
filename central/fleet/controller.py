"""HTTP endpoint a counter unit calls on first boot to enrol."""

from litestar import Controller, post
from litestar.datastructures import State
from litestar.exceptions import PermissionDeniedException

from central.fleet.enrolment import EnrolmentRefused, enrol
from protocol.enrolment import EnrolRequest, EnrolResponse


class EnrolmentController(Controller):
    """`POST /api/enrol`."""

    path = "/api/enrol"
    tags = ("fleet",)

    @post("/", status_code=201, sync_to_thread=True)
    def enrol_device(self, data: EnrolRequest, state: State) -> EnrolResponse:
        """Spend a single-use token and return the unit's identity, the city key and the broker URL."""
        try:
            device = enrol(state.engine, data.token, data.public_key)
        except EnrolmentRefused as exc:
            raise PermissionDeniedException(str(exc)) from exc
        return EnrolResponse(
            device_id=device.id,
            office_id=device.office_id,
            city_public_key=state.city_key.public.raw,
            broker_url=state.settings.broker_url or "",
            counter_key=state.counter_key.raw,
            central_key=state.signing_key.public_key().public_bytes_raw(),
        )
