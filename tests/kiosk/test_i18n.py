"""Translations and dates: every kiosk message is translated in all ten languages and every compiled .mo
matches its .po; 和暦 as forms and Japanese screens show it."""

import pytest

from edge_agent.kiosk.catalogs import extracted, problems
from edge_agent.kiosk.i18n import LANGUAGES, translations, wareki


def test_every_message_translated_and_compiled() -> None:
    assert problems() == []


def test_ten_languages_japanese_first() -> None:
    assert list(LANGUAGES)[:2] == ["ja", "ja-easy"]
    assert set(LANGUAGES) == {"ja", "ja-easy", "en", "zh-Hans", "ko", "vi", "pt", "tl", "ne", "id"}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_placeholders_survive_translation(language: str) -> None:
    gettext = translations(language).gettext
    for message in extracted():
        if isinstance(message.id, str) and "%(" in message.id:
            names = {part.split(")")[0] for part in message.id.split("%(")[1:]}
            translated = gettext(message.id)
            assert {part.split(")")[0] for part in translated.split("%(")[1:]} == names


@pytest.mark.parametrize(
    ("iso", "japanese"),
    [
        ("2019-05-01", "令和元年5月1日"),
        ("2019-04-30", "平成31年4月30日"),
        ("1989-01-07", "昭和64年1月7日"),
        ("1985-04-01", "昭和60年4月1日"),
        ("2026-11-22", "令和8年11月22日"),
        ("not a date", "not a date"),
    ],
)
def test_wareki(iso: str, japanese: str) -> None:
    assert wareki(iso) == japanese
