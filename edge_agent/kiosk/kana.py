"""Kana→kanji conversion for the on-screen keyboard, from Debian's SKK dictionary (package skkdic) when it
is installed; without it the keyboard offers hiragana and katakana only.

A touch kiosk has no keyboard and no input method, so names and addresses typed in kana can be turned into
kanji here: the longest start of the typed reading that the dictionary knows, with its candidates. Readings
are citizens' names and addresses: never logged or kept.
"""

import re
import threading
from pathlib import Path

SKK_DICTIONARY = Path("/usr/share/skk/SKK-JISYO.L")
"""EUC-JP; its okuri-nasi part maps a reading in hiragana to words: `やまだ /山田/`."""
MAX_READING = 24
MAX_CANDIDATES = 12
_HIRAGANA = re.compile(r"[ぁ-ゖー]+")


def katakana(hiragana: str) -> str:
    """The same reading in katakana (ー stays)."""
    return "".join(
        chr(ord(character) + 0x60) if "ぁ" <= character <= "ゖ" else character for character in hiragana
    )


class KanaConverter:
    """Readings → words, loaded from the dictionary on first use."""

    def __init__(self, path: Path = SKK_DICTIONARY) -> None:
        self._path = path
        self._words: dict[str, tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """Whether a dictionary is installed (else only kana are offered)."""
        return self._path.exists()

    def _load(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            if self._words is None:
                words: dict[str, tuple[str, ...]] = {}
                if self.available:
                    text = self._path.read_bytes().decode("euc_jp", errors="replace")
                    plain = text.split(";; okuri-nasi entries.", 1)[-1]
                    for line in plain.splitlines():
                        reading, _, rest = line.partition(" /")
                        if reading and not reading.startswith(";") and _HIRAGANA.fullmatch(reading):
                            found = (word.split(";", 1)[0] for word in rest.split("/"))
                            words[reading] = tuple(word for word in found if word and "(" not in word)
                self._words = words
            return self._words

    def convert(self, reading: str) -> tuple[int, list[str]]:
        """How much of the reading is converted and its candidates (kanji first, then katakana, then the
        kana as typed); the rest of the reading stays to be converted next."""
        if not _HIRAGANA.fullmatch(reading) or len(reading) > MAX_READING:
            return 0, []
        words = self._load()
        length = next((size for size in range(len(reading), 0, -1) if reading[:size] in words), len(reading))
        head = reading[:length]
        candidates = [*words.get(head, ())[:MAX_CANDIDATES], katakana(head), head]
        return length, list(dict.fromkeys(candidates))
