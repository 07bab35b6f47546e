"""A virtual My Number Card behind a real PC/SC stack (pcscd + vsmartcard's vpcd), for tests and the demo.

`VirtualCard` answers APDUs like the card's input-support application; `VpcdCard` plugs it into a vpcd
reader slot so pyscard sees a real card insertion. Only made-up people go in here; it must never be fed a
real citizen's data.
"""

from .card import DEMO_PERSON, CardFaults, VirtualCard
from .vpcd import VpcdCard

__all__ = ["DEMO_PERSON", "CardFaults", "VirtualCard", "VpcdCard"]
