"""Citizens' satisfaction scores: one per ticket, given through the status page's token.

The token (protocol/queue.py `status_token`) finds the ticket; the row keeps only the ticket id, its office,
the score and the time. Never logs a token.
"""

import enum
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from central.kpi.models import Rating
from central.queue.models import Ticket
from protocol.queue import STATUS_TOKEN_CHARS

LOWEST, HIGHEST = 1, 10


class Recorded(enum.Enum):
    """What became of a rating."""

    RECORDED = "recorded"
    UNKNOWN_TICKET = "unknown_ticket"
    ALREADY_RATED = "already_rated"


def parse_score(raw: str | None) -> int | None:
    """The score a form sent, if it is a whole number from 1 to 10 (ASCII digits only)."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 2:
        return None
    score = int(raw)
    return score if LOWEST <= score <= HIGHEST else None


def _ticket(session: Session, token: str) -> Ticket | None:
    if len(token) != STATUS_TOKEN_CHARS or not token.isascii() or not token.isalnum():
        return None
    return session.exec(select(Ticket).where(Ticket.token == token)).first()


def record_rating(engine: Engine, token: str, score: int, now: datetime) -> Recorded:
    """Store the ticket's score unless the token is unknown or the ticket was rated already."""
    with Session(engine) as session:
        ticket = _ticket(session, token)
        if ticket is None or ticket.id is None:
            return Recorded.UNKNOWN_TICKET
        if session.get(Rating, ticket.id) is not None:
            return Recorded.ALREADY_RATED
        session.add(Rating(ticket_id=ticket.id, office_id=ticket.office_id, score=score, at=now))
        try:
            session.commit()
        except IntegrityError:  # the same ticket rated twice at once: the first one counts
            return Recorded.ALREADY_RATED
    return Recorded.RECORDED


def given_score(engine: Engine, token: str) -> int | None:
    """The score given for the ticket with this token, if any (the status page thanks instead of asking)."""
    with Session(engine) as session:
        ticket = _ticket(session, token)
        rating = session.get(Rating, ticket.id) if ticket is not None and ticket.id is not None else None
        return rating.score if rating is not None else None
