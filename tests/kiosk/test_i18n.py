"""Translations and dates: every kiosk and pre-entry message is translated in all ten languages and every
compiled .mo matches its .po; 和暦 as forms and Japanese screens show it."""

import pytest

from edge_agent.kiosk.catalogs import ALL, MessageCatalogs
from edge_agent.kiosk.i18n import LANGUAGES, wareki


@pytest.mark.parametrize("catalogs", ALL, ids=lambda catalogs: catalogs.domain)
def test_every_message_translated_and_compiled(catalogs: MessageCatalogs) -> None:
    assert catalogs.problems() == []


def test_ten_languages_japanese_first() -> None:
    assert list(LANGUAGES)[:2] == ["ja", "ja-easy"]
    assert set(LANGUAGES) == {"ja", "ja-easy", "en", "zh-Hans", "ko", "vi", "pt", "tl", "ne", "id"}


def placeholders(text: str) -> set[str]:
    return {part.split(")")[0] for part in text.split("%(")[1:]}


@pytest.mark.parametrize("catalogs", ALL, ids=lambda catalogs: catalogs.domain)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_placeholders_survive_translation(catalogs: MessageCatalogs, language: str) -> None:
    for msgid, translated in catalogs.compiled_messages(language).items():
        assert placeholders(translated) == placeholders(msgid)


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
