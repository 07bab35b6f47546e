"""Translations and dates: every kiosk and pre-entry message is translated in all ten languages and every
compiled .mo matches its .po; 和暦 as forms and Japanese screens show it."""

import pytest

from edge_agent.kiosk.i18n import LANGUAGES
from protocol.wareki import wareki_iso, wareki_text
from scripts.catalogs import ALL, MessageCatalogs


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
def test_wareki_iso(iso: str, japanese: str) -> None:
    assert wareki_iso(iso) == japanese


@pytest.mark.parametrize(
    ("written", "japanese"),
    [
        ("1985年6月15日", "昭和60年6月15日"),
        ("1873年1月1日", "明治6年1月1日"),
        ("1912年7月29日", "明治45年7月29日"),
        ("1912年7月30日", "大正元年7月30日"),
        ("1872年12月31日", "1872年12月31日"),
        ("1985年2月30日", "1985年2月30日"),
        ("昭和60年6月15日", "昭和60年6月15日"),
    ],
)
def test_wareki_edges(written: str, japanese: str) -> None:
    """明治 counts from 1868; dates before the Gregorian calendar (1873) and non-dates stay as written."""
    assert wareki_text(written) == japanese
