"""What the citizen's status page says about one ticket, in the citizen's language: the `TicketStatus`
(central/queue/status.py) put into words, counter ids named from the catalog. No personal data."""

import msgspec

from procedures.asked import localize
from procedures.catalog import Catalog
from protocol.queue import TicketStatus

from .i18n import N_, translations

NEAR_AHEAD = 2
"""With this many or fewer tickets ahead the turn is near: the page rings and vibrates."""
HEADLINES = {
    "waiting": N_("Please wait. We will call your number."),
    "near": N_("Your turn is near. Please come back to the waiting area."),
    "called": N_("It is your turn. Please go to %(counter)s, desk %(desk)s."),
    "serving": N_("You are being served at %(counter)s."),
    "moving": N_("Please go to your next counter: %(counter)s."),
    "parked": N_("Staff have set your ticket aside. They will call you again."),
    "absent": N_("You were called but were not there. Please speak to the staff at %(counter)s."),
    "done": N_("All done. Thank you for coming."),
}
LABELS = {
    "ticket": N_("Ticket number"),
    "ahead": N_("People ahead of you"),
    "wait": N_("Expected wait"),
    "counter": N_("Counter"),
    "later": N_("Counters still to visit"),
    "minutes": N_("about %(minutes)s min"),
    "unknown": N_("not known yet"),
}


class StatusView(msgspec.Struct, frozen=True):
    """The status page's content (also what its live stream sends)."""

    ticket: str
    state: str
    near: bool
    """Called, or waiting with at most NEAR_AHEAD tickets ahead: time to ring."""
    headline: str
    counter: str | None
    ahead: int | None
    wait: str | None
    later: list[str]
    seq: int


def counter_name(catalog: Catalog, counter_id: str, language: str) -> str:
    """A catalog counter's name in the language (its id if the catalog does not know it)."""
    counter = catalog.counters.get(counter_id)
    return localize(counter.name, language).citizen if counter else counter_id


def status_view(status: TicketStatus, catalog: Catalog, language: str) -> StatusView:
    """The status in words for the page."""
    gettext = translations(language).gettext
    counter = counter_name(catalog, status.counter, language) if status.counter else None
    waiting = status.state == "waiting"
    near = status.state == "called" or (waiting and status.ahead is not None and status.ahead <= NEAR_AHEAD)
    key = "near" if waiting and near else status.state
    headline = gettext(HEADLINES[key]) % {"counter": counter or "", "desk": status.desk or ""}
    wait = None
    if waiting and status.wait_minutes is None:
        wait = gettext(LABELS["unknown"])
    elif waiting:
        wait = gettext(LABELS["minutes"]) % {"minutes": status.wait_minutes}
    return StatusView(
        ticket=status.ticket,
        state=status.state,
        near=near,
        headline=headline,
        counter=counter,
        ahead=status.ahead if waiting else None,
        wait=wait,
        later=[counter_name(catalog, later, language) for later in status.next_counters],
        seq=status.seq,
    )
