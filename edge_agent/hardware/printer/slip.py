"""What a citizen's slip says: the data and headings the kiosk fills in, already in the citizen's language.

The printer knows no language: every heading comes translated from the kiosk's gettext catalogs. A slip
carries no plaintext personal data (no name, address or birth date): the case itself travels only inside the
sealed QR. Nothing here may ever add personal data to a slip.
"""

import msgspec


class CounterStop(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """One counter to visit, in the order of the plan."""

    name: str
    """The counter's name in Japanese, e.g. 市民課."""
    floor: str = ""
    """The floor, e.g. 1F: printed only when there is no location."""
    location: str = ""
    """Where it is, in the citizen's language, e.g. 2階 21番窓口 (it names the floor itself)."""
    procedures: list[str] = msgspec.field(default_factory=list)
    """The procedures done there, as short labels."""
    guidance: list[str] = msgspec.field(default_factory=list)
    """What is only explained there (案内: nothing to sign), printed after the procedures under one mark."""


class SlipHeadings(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """The slip's fixed texts, translated by the kiosk (an empty heading is not printed)."""

    ticket: str = ""
    """Above the queue number, e.g. 受付番号 / Your number."""
    stops: str = ""
    """Above the counters, e.g. お回りいただく窓口."""
    documents: str = ""
    """Before the documents to bring."""
    qr: str = ""
    """Below the case QR: show it at each counter."""
    status: str = ""
    """Above the status page's QR: follow your turn on your phone."""
    guidance: str = ""
    """Before a counter's guidance, e.g. 【案内】 (information only)."""


class Slip(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Everything printed on one slip; keep it to reprint the same slip later."""

    office: str
    """Office name, printed at the top."""
    ticket: str
    """Queue number, printed large, e.g. A-012."""
    language: str
    """The citizen's language (BCP 47, e.g. "en"), in which the kiosk wrote the headings."""
    stops: list[CounterStop]
    """Counters to visit, in order."""
    documents: list[str] = msgspec.field(default_factory=list)
    """Documents to bring."""
    qr_text: str = ""
    """The case QR's payload: Base45 text (QR alphanumeric mode); empty for no QR."""
    issued_at: str = ""
    """When the slip was issued, as text to print with its zone (e.g. 2026-04-01 10:15 JST)."""
    status_url: str = ""
    """The ticket's status page (its place in the queue, on the citizen's phone); empty for none."""
    headings: SlipHeadings = msgspec.field(default_factory=SlipHeadings)
