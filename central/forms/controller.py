"""`GET /staff/cases/{id}/forms.pdf`: the case's forms, prefilled, to print from the browser (logged)."""

from datetime import UTC, datetime
from typing import Annotated

from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Response

from central.accounts.service import Staff
from central.cases.views import case_detail
from central.city_time import city_text
from central.forms.pdf import Slip, forms_pdf
from central.web import StaffController


class FormsController(StaffController):
    """Printable forms."""

    path = "/staff/cases"

    @get("/{case_id:str}/forms.pdf", sync_to_thread=True, media_type="application/pdf")
    def forms(
        self,
        state: State,
        staff: NamedDependency[Staff],
        case_id: FromPath[str],
        department: Annotated[
            str | None, QueryParameter(description="only this department's forms (課, in Japanese)")
        ] = None,
    ) -> Response[bytes]:
        """Every form of the case's plan, or one department's, as one A4 PDF (logged as a print)."""
        detail = case_detail(state.engine, staff, case_id, action="print")
        printed = city_text(datetime.now(UTC))
        slip = Slip(ticket=detail.summary.ticket, case_id=detail.summary.id, printed=printed)
        pdf = forms_pdf(detail.plan, slip, department or None)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"content-disposition": f'inline; filename="forms-{detail.summary.id}.pdf"'},
        )
