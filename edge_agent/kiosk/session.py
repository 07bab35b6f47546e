"""Kiosk sessions: what one citizen has entered so far, kept in memory only and wiped on finish or idle.

A session holds personal data (the card's basic four facts, the household, answers), so it must never be
written to disk, logged or put in a cookie: the browser only holds a random token. Ending a session drops
every reference to its data; `sweep` does so for sessions idle longer than the timeout even when nobody
touches the kiosk again.
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from edge_agent.hardware.printer import Slip
from procedures.posted import with_household
from protocol.facts import AnswerValue, ApplicantRole, Facts, LifeEvent, Member, Person


@dataclass
class KioskSession:
    """One citizen's visit to the kiosk, from the language screen to the printed slip."""

    token: str
    language: str
    last_seen: float
    life_event: LifeEvent | None = None
    applicant: Person | None = None
    household: list[Member] = field(default_factory=list)
    applicant_role: ApplicantRole = "member"
    """Who the applicant is to the household; by default (a card holder, typed entry) a member of it."""
    household_address: str = ""
    """The household's address when the applicant lives elsewhere (else the applicant's own is)."""
    head: str = ""
    """The person id of the head of household as chosen ("": the default, see `Facts.head_id`)."""
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    """In the order they were given, so "back" can take the last one away."""
    drafts: dict[str, AnswerValue] = field(default_factory=dict)
    """Answers taken away by "back", shown again (preselected) when their question comes back."""
    card_read: bool = False
    """The applicant was read from their My Number Card (so they have one)."""
    automatic: set[str] = field(default_factory=set)
    """Questions the kiosk answered itself (the card answers them): "back" skips over them."""
    ticket: str | None = None
    slip: Slip | None = None
    """Kept after confirming so a failed print can be retried."""
    printed: bool = False

    def facts(self) -> Facts:
        """The facts entered so far; needs the life event and the applicant."""
        if self.life_event is None or self.applicant is None:
            raise ValueError("the session has no life event or applicant yet")
        facts = Facts(
            life_event=self.life_event,
            language=self.language,
            applicant=self.applicant,
            household=list(self.household),
            answers=dict(self.answers),
        )
        return with_household(facts, self.applicant_role, self.household_address, self.head)

    def person_name(self, person: str) -> str:
        """A person of the case by id: "0" the applicant, "1", "2", ... the household members."""
        if person == "0":
            return self.applicant.name if self.applicant is not None else ""
        return self.household[int(person) - 1].name

    def forget_answers(self) -> None:
        """The household changed: answers about members are asked again (nothing is preselected)."""
        self.answers.clear()
        self.drafts.clear()
        self.automatic.clear()

    def prefill(self, facts: Facts) -> None:
        """Take over facts prepared elsewhere (a pre-entry QR); the kiosk language stays as chosen."""
        self.life_event = facts.life_event
        self.applicant = facts.applicant
        self.household = list(facts.household)
        self.applicant_role = facts.applicant_role
        self.household_address = facts.household_address or ""
        self.head = facts.head or ""
        self.answers = dict(facts.answers)
        self.card_read = False


class SessionStore:
    """Sessions by token, each dropped after `idle_seconds` without a request."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._idle = idle_seconds
        self._clock = clock
        self._sessions: dict[str, KioskSession] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def set_idle(self, seconds: float) -> None:
        """Change the timeout (pushed by central); live sessions are held to it from their next check."""
        self._idle = seconds

    def __contains__(self, token: object) -> bool:
        return token in self._sessions

    def start(self, language: str) -> KioskSession:
        """A new session with a fresh random token."""
        session = KioskSession(secrets.token_urlsafe(32), language, self._clock())
        self._sessions[session.token] = session
        return session

    def get(self, token: str | None, *, touch: bool = True) -> KioskSession | None:
        """The live session for a token, or None if unknown or idle too long.

        A citizen's request touches the session; a page's own polling (`touch=False`) does not, so a
        kiosk left on a polling screen still times out.
        """
        self.sweep()
        session = self._sessions.get(token or "")
        if session is not None and touch:
            session.last_seen = self._clock()
        return session

    def end(self, token: str | None) -> None:
        """Forget a session and everything in it."""
        self._sessions.pop(token or "", None)

    def sweep(self) -> int:
        """Forget every session idle longer than the timeout; returns how many were dropped."""
        cutoff = self._clock() - self._idle
        stale = [token for token, session in self._sessions.items() if session.last_seen < cutoff]
        for token in stale:
            del self._sessions[token]
        return len(stale)
