"""`GET /api/staff/exports`: the export for the logged-in user's offices, as a streamed download."""

from datetime import UTC, datetime
from typing import Annotated

from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, QueryParameter
from litestar.response import Stream

from central.accounts.service import Staff
from central.exports.csv_rows import Encoding
from central.exports.run import ExportRequest, Format, stream_export, unencodable_rows
from central.web import StaffController

UNENCODABLE_HEADER = "x-madoguchi-unencodable-rows"
CHARSETS: dict[Encoding, str] = {"utf-8": "utf-8", "cp932": "Shift_JIS"}
"""The charset label a CSV download carries (CP932 goes by its customary name)."""


class ExportController(StaffController):
    """Exports over HTTP, for RPA tools that fetch instead of running the CLI (logged like every export)."""

    path = "/api/staff/exports"

    @get("/", sync_to_thread=True)
    def export(
        self,
        state: State,
        staff: NamedDependency[Staff],
        fmt: Annotated[Format, QueryParameter(name="format")] = "csv",
        encoding: FromQuery[Encoding] = "utf-8",
        approved: FromQuery[bool] = True,
        since: Annotated[
            datetime | None, QueryParameter(description="ISO 8601; approved at or after")
        ] = None,
        procedure: Annotated[
            list[str] | None, QueryParameter(description="only these procedure ids (repeatable)")
        ] = None,
    ) -> Stream:
        """Procedures of the user's offices (approved ones by default) as CSV or JSON lines, streamed.

        The `X-Madoguchi-Unencodable-Rows` header lists the CSV rows where CP932 lacked a character (read in
        a first pass over the same selection, which ends at the moment of the request).
        """
        wanted = ExportRequest(
            fmt, approved, encoding, since, staff.offices, frozenset(procedure or []), until=datetime.now(UTC)
        )
        try:
            chunks, _ = stream_export(state.engine, wanted, user=staff.name)
        except ValueError as exc:
            raise ValidationException(str(exc)) from exc
        filename = f"madoguchi-{'approved' if approved else 'all'}.{'csv' if fmt == 'csv' else 'jsonl'}"
        return Stream(
            chunks,
            media_type="text/csv" if fmt == "csv" else "application/x-ndjson",
            encoding=CHARSETS[encoding],  # Litestar adds it to text/* types as the one charset parameter
            headers={
                "content-disposition": f'attachment; filename="{filename}"',
                UNENCODABLE_HEADER: ",".join(map(str, unencodable_rows(state.engine, wanted))),
            },
        )
