"""The KPI slice's one table: `rating`, a citizen's satisfaction score for one ticket.

One row per ticket (the primary key), so a status page's token can rate once. It holds the ticket id, its
office, the score and when: no token, no name, no address, no client address.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from central.queue.models import utc_column


class Rating(SQLModel, table=True):
    """A score from 1 to 10 given on the ticket's status page."""

    __tablename__ = "rating"
    ticket_id: int = Field(primary_key=True, description="ticket.id: one rating per ticket")
    office_id: str = Field(index=True)
    score: int
    at: datetime = Field(sa_column=utc_column(index=True))
