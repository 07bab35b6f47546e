"""The waiting-room display's spoken calls, made on central with nothing downloaded: a chime, then the call in
Japanese (Open JTalk: Debian's NAIST dictionary, the Mei voice shipped inside the pyopenjtalk-ndy wheel), then
in English (espeak-ng).

pyopenjtalk would fetch a dictionary from the internet on first use if it had none; we never let it: the
engine is built from its extension modules with Debian's dictionary path, so its downloader is never
reached (tests/displays/test_speech.py synthesises with the network unshared). Each text is synthesised
once and kept (a recall says the same words); the texts are built from a call's ticket, desk and the
counter's name, never from anything a browser sends.
"""

import asyncio
import io
import re
import tempfile
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from protocol.queue import Call, CounterState

SpokenLanguage = Literal["ja", "en"]
SPOKEN: tuple[SpokenLanguage, ...] = ("ja", "en")
JAPANESE_DICTIONARY = Path("/var/lib/mecab/dic/open-jtalk/naist-jdic")
"""Debian's open-jtalk-mecab-naist-jdic (scripts/apt-packages.txt)."""
ESPEAK = "espeak-ng"
RATE = 24_000
"""Every WAV we serve: 16-bit mono at this rate (Open JTalk's 48 kHz halved: speech needs no more)."""
CACHED_TEXTS = 64
SYNTHESIS_TIMEOUT = 20.0

_LETTERS_JA = {
    letter: reading
    for letter, reading in zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            "エー",
            "ビー",
            "シー",
            "ディー",
            "イー",
            "エフ",
            "ジー",
            "エイチ",
            "アイ",
            "ジェー",
            "ケー",
            "エル",
            "エム",
            "エヌ",
            "オー",
            "ピー",
            "キュー",
            "アール",
            "エス",
            "ティー",
            "ユー",
            "ブイ",
            "ダブリュー",
            "エックス",
            "ワイ",
            "ゼット",
        ],
        strict=True,
    )
}
"""How a ticket's letters are read in Japanese (Open JTalk would skip a lone Latin letter)."""
_PARTS = re.compile(r"[A-Za-z]|[0-9]+")
_ASIDE = re.compile(r"（[^）]*）|\([^)]*\)")


class SpeechError(RuntimeError):
    """A synthesiser failed (missing package, bad exit): the display shows the call without its voice."""


def _ticket_parts(ticket: str) -> list[str]:
    """A ticket number as spoken pieces: each letter alone, each digit group as a number (A-012 → A, 12)."""
    return [part.upper() if part.isalpha() else str(int(part)) for part in _PARTS.findall(ticket)]


def _plain(name: str) -> str:
    """A counter's name without its bracketed aside: 市民課（住民異動・証明） is announced as 市民課."""
    return _ASIDE.sub("", name).strip()


def _desk_ja(desk: str) -> str:
    return f"{desk}番窓口" if desk.isdigit() else f"窓口 {desk}"


def announcement(call: Call, counter: CounterState | None, language: SpokenLanguage) -> str:
    """The words spoken for a call: the ticket, the counter and the desk to go to."""
    parts = _ticket_parts(call.ticket)
    if language == "ja":
        ticket = " ".join(_LETTERS_JA.get(part, part) for part in parts)
        where = f"{_plain(counter.name_ja)}、{_desk_ja(call.desk)}" if counter else _desk_ja(call.desk)
        again = "もう一度お呼びします。" if call.recall else ""
        return f"{again}受付番号 {ticket}番の方、{where}へお越しください。"
    ticket = " ".join(parts)
    where = f"{_plain(counter.name_en)}, desk {call.desk}" if counter else f"desk {call.desk}"
    again = "Calling again. " if call.recall else ""
    return f"{again}Ticket number {ticket}, please come to {where}."


def wav_bytes(samples: npt.NDArray[np.float64], rate: int = RATE) -> bytes:
    """16-bit mono WAV of samples in [-1, 1] (louder ones are scaled down, never clipped)."""
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    scaled = samples / peak * 0.9 if peak > 1.0 else samples
    pcm = (scaled * 32767).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def chime() -> bytes:
    """The two-note chime (E5 then C5, a bell-like decay) played before every call."""
    notes = []
    for frequency in (659.25, 523.25):
        t = np.arange(int(RATE * 0.7)) / RATE
        tone = np.sin(2 * np.pi * frequency * t) + 0.3 * np.sin(4 * np.pi * frequency * t)
        notes.append(0.45 * tone * np.exp(-4.0 * t))
    return wav_bytes(np.concatenate(notes))


class _JapaneseVoice:
    """Open JTalk built from Debian's dictionary and the wheel's Mei voice; one synthesis at a time."""

    def __init__(self, dictionary: Path) -> None:
        if not (dictionary / "sys.dic").exists():
            raise SpeechError("the Open JTalk dictionary is not installed (open-jtalk-mecab-naist-jdic)")
        import pyopenjtalk
        from pyopenjtalk.htsengine import HTSEngine
        from pyopenjtalk.openjtalk import OpenJTalk

        self._frontend = OpenJTalk(dn_mecab=str(dictionary).encode())
        self._engine = HTSEngine(pyopenjtalk.DEFAULT_HTS_VOICE)
        self._lock = threading.Lock()

    def wav(self, text: str) -> bytes:
        with self._lock:
            labels = self._frontend.make_label(self._frontend.run_frontend(text))
            samples = np.asarray(self._engine.synthesize(labels), dtype=np.float64) / 32768.0
            rate = int(self._engine.get_sampling_frequency())
        if rate == RATE * 2:  # the mean of each pair of samples: a mild low-pass, then half the rate
            samples = samples[: len(samples) // 2 * 2].reshape(-1, 2).mean(axis=1)
            rate = RATE
        return wav_bytes(samples, rate)


async def _english_wav(text: str) -> bytes:
    """espeak-ng's WAV of the text (22.05 kHz 16-bit mono), within a timeout; written to a file, because
    the WAV it streams to stdout leaves its length unset."""
    with tempfile.TemporaryDirectory(prefix="madoguchi-speech-") as folder:
        path = Path(folder) / "call.wav"
        try:
            process = await asyncio.create_subprocess_exec(
                ESPEAK, "-v", "en-us", "-s", "150", "-w", str(path), text,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
        except FileNotFoundError as exc:
            raise SpeechError("espeak-ng is not installed") from exc
        try:
            await asyncio.wait_for(process.wait(), SYNTHESIS_TIMEOUT)
        except TimeoutError as exc:
            process.kill()
            await process.wait()
            raise SpeechError("espeak-ng did not finish") from exc
        if process.returncode != 0 or not path.exists():
            raise SpeechError(f"espeak-ng exited with {process.returncode}")
        return path.read_bytes()


class Announcer:
    """Spoken calls as WAV, each text synthesised once (concurrent requests for it wait for the first)."""

    def __init__(self, dictionary: Path = JAPANESE_DICTIONARY, cached: int = CACHED_TEXTS) -> None:
        self._dictionary = dictionary
        self._japanese: _JapaneseVoice | None = None
        self._cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._cached = cached
        self._pending: dict[tuple[str, str], asyncio.Future[bytes]] = {}
        self.chime = chime()

    def _voice(self) -> _JapaneseVoice:
        if self._japanese is None:
            self._japanese = _JapaneseVoice(self._dictionary)
        return self._japanese

    async def speak(self, text: str, language: SpokenLanguage) -> bytes:
        """The WAV of the text in the language, from the cache when it was spoken before."""
        key = (language, text)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if key in self._pending:
            return await asyncio.shield(self._pending[key])
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            audio = await self._synthesise(text, language)
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so a future nobody else awaited is not reported as lost
            raise
        except asyncio.CancelledError:
            future.cancel()
            raise
        finally:
            del self._pending[key]
        future.set_result(audio)
        self._cache[key] = audio
        while len(self._cache) > self._cached:
            self._cache.popitem(last=False)
        return audio

    async def _synthesise(self, text: str, language: SpokenLanguage) -> bytes:
        if language == "en":
            return await _english_wav(text)
        japanese: Callable[[str], bytes] = self._voice().wav
        return await asyncio.to_thread(japanese, text)
