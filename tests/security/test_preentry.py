"""The public pre-entry page against careless and hostile posts: 4xx naming the problem, never a 500;
the staff side's security headers; a budget per client address (defects 6 and 9 of the review)."""

import random
from pathlib import Path

import httpx

from protocol.facts import MAX_ADDRESS, MAX_NAME
from testbed.processes import Service
from testbed.services import central_service

FORM = {
    "lang": "ja",
    "life_event": "move_in",
    "name": "見本　花子",
    "birth_date": "1990-04-01",
    "sex": "2",
    "address": "みどり市中央1-1",
    "members": "0",
    "action": "make",
}


def post(central: Service, form: dict[str, str]) -> httpx.Response:
    """Post the form (from 127.0.0.1: every test of the module shares that client's budget)."""
    return httpx.post(f"{central.base_url}/preentry/", data=form, timeout=30)


def test_unicode_digits_in_the_member_count_are_not_a_500(http_central: Service) -> None:
    answer = post(http_central, {**FORM, "members": "²", "action": "add"})
    assert answer.status_code == 200
    assert 'name="members" value="1"' in answer.text


def test_a_name_over_the_bound_is_refused_naming_the_limit(http_central: Service) -> None:
    answer = post(http_central, {**FORM, "name": "山" * (MAX_NAME + 1)})
    assert answer.status_code == 422
    assert f"{MAX_NAME}文字以内" in answer.text


def test_details_too_long_for_one_qr_code_are_a_clear_422(http_central: Service) -> None:
    rng = random.Random(7)

    def noise(length: int) -> str:  # incompressible kanji, as long as the bounds allow
        return "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(length))

    form = {**FORM, "name": noise(MAX_NAME), "address": noise(MAX_ADDRESS), "members": "9"}
    for index in range(9):
        form |= {
            f"m{index}_name": noise(MAX_NAME),
            f"m{index}_birth_date": "2000-01-01",
            f"m{index}_sex": "1",
            f"m{index}_relation": "child",
        }
    answer = post(http_central, form)
    assert answer.status_code == 422
    assert "1つのQRコードに入りません" in answer.text


def test_the_page_sends_the_staff_sides_security_headers(http_central: Service) -> None:
    page = httpx.get(f"{http_central.base_url}/preentry/", timeout=30)
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"


def test_an_oversized_body_is_refused_before_it_is_read(http_central: Service) -> None:
    answer = post(http_central, {**FORM, "phone": "0" * 70 * 1024})
    assert answer.status_code == 413


def test_a_burst_of_posts_from_one_client_is_throttled(tmp_path: Path) -> None:
    central = central_service(tmp_path, broker_url=None).start()  # its own, with a full budget
    try:
        answers = [post(central, {**FORM, "action": "add"}).status_code for _ in range(80)]
        refused = post(central, FORM)
    finally:
        central.kill()
    assert answers[:60] == [200] * 60
    assert set(answers[60:]) == {429}
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "数分待って" in refused.text
