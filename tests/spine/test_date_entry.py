"""The citizen pages' date entry (`protocol/date_entry`, the kiosk's and the pre-entry page's): era or Western
year, month and day make an ISO date, and a day that does not exist makes none."""

import pytest

from protocol.date_entry import era_parts, posted_date


def parts(era: str, year: str, month: str, day: str) -> dict[str, str]:
    return {"d_era": era, "d_year": year, "d_month": month, "d_day": day}


@pytest.mark.parametrize(
    ("posted", "iso"),
    [
        (parts("昭和", "60", "4", "1"), "1985-04-01"),
        (parts("AD", "1985", "4", "1"), "1985-04-01"),
        (parts("令和", "1", "5", "1"), "2019-05-01"),
        (parts("平成", "31", "4", "30"), "2019-04-30"),
        (parts("平成", "31", "5", "1"), ""),  # already 令和元年
        (parts("令和", "1", "4", "30"), ""),  # still 平成
        (parts("平成", "40", "1", "1"), ""),
        (parts("AD", "1985", "2", "30"), ""),
        (parts("AD", "１９８５", "4", "1"), ""),  # full-width digits are not taken as numbers
        (parts("AD", "2000", "9" * 30, "1"), ""),  # too big for a month: no day, no crash
        (parts("元禄", "1", "1", "1"), ""),
        (parts("AD", "1985", "", "1"), ""),
        ({"d_era": "AD", "d": "1990-07-07"}, "1990-07-07"),  # a whole date carried by the page
        ({}, ""),
    ],
)
def test_posted_date(posted: dict[str, str], iso: str) -> None:
    assert posted_date(posted, "d") == iso


def test_a_prefilled_entry_shows_the_western_year() -> None:
    assert era_parts("1985-04-01") == {"era": "AD", "year": "1985", "month": "4", "day": "1"}
    assert era_parts("") == {"era": "", "year": "", "month": "", "day": ""}
