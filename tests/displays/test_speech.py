"""Spoken calls are made on this machine with nothing downloaded: both voices synthesise with the network
unshared, pyopenjtalk's own dictionary download is never reached, and the words say ticket, counter, desk."""

import shutil
import subprocess
import sys
from pathlib import Path

import msgspec
import pyopenjtalk
import pytest

from central.displays.speech import JAPANESE_DICTIONARY, announcement
from tests.displays.conftest import HOKEN, SHIMIN, call

OFFLINE_SYNTHESIS = """
import asyncio, io, sys, wave
from central.displays.speech import Announcer
announcer = Announcer()
for language, text in (("ja", "受付番号 エー 12番の方、お越しください。"), ("en", "Ticket number A 12.")):
    with wave.open(io.BytesIO(asyncio.run(announcer.speak(text, language)))) as audio:
        print(language, audio.getnframes() / audio.getframerate())
"""


def test_both_voices_speak_with_no_network_at_all() -> None:
    probe = ["unshare", "--net", "true"]
    if shutil.which("unshare") is None or subprocess.run(probe, check=False).returncode != 0:
        pytest.skip("no network namespace here (unshare --net needs root or user namespaces)")
    done = subprocess.run(
        ["unshare", "--net", sys.executable, "-c", OFFLINE_SYNTHESIS],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    durations = dict(line.split() for line in done.stdout.splitlines())
    assert float(durations["ja"]) > 1.0
    assert float(durations["en"]) > 0.5


def test_the_dictionary_is_debians_and_pyopenjtalk_never_fetched_its_own() -> None:
    assert (JAPANESE_DICTIONARY / "sys.dic").is_file()  # open-jtalk-mecab-naist-jdic
    package = Path(pyopenjtalk.__file__).parent
    assert not (package / "open_jtalk_dic_utf_8-1.11").exists()  # where its downloader would unpack
    assert (package / "htsvoice" / "mei_normal.htsvoice").is_file()  # the voice ships in the wheel


def test_the_words_name_the_ticket_counter_and_desk() -> None:
    first = call("c1", ticket="A-012", desk="3")
    assert announcement(first, SHIMIN, "ja") == "受付番号 エー 12番の方、市民課、3番窓口へお越しください。"
    english = "Ticket number A 12, please come to Citizens Division, desk 3."
    assert announcement(first, SHIMIN, "en") == english
    again = msgspec.structs.replace(call("c2", ticket="B-004", desk="B", counter="hoken_nenkin"), recall=True)
    japanese = "もう一度お呼びします。受付番号 ビー 4番の方、保険年金課、窓口 Bへお越しください。"
    assert announcement(again, HOKEN, "ja") == japanese
    assert announcement(again, None, "en") == "Calling again. Ticket number B 4, please come to desk B."
