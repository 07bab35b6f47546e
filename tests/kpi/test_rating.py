"""`POST /t/{token}/rating`: one score 1-10 per ticket, 303 back to the status page; every bad input is a 4xx
that stores nothing; too many posts from one address are a 429."""

from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from central.kpi.models import Rating
from central.kpi.ratings import given_score
from central.queue.models import Ticket
from tests.kpi import stored_day
from tests.kpi.conftest import KpiCentral, start_central


def ratings_of(central: KpiCentral, token: str) -> list[int]:
    with Session(central.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.token == token)).one()
        return [row.score for row in session.exec(select(Rating).where(Rating.ticket_id == ticket.id))]


def test_a_score_is_stored_once_and_the_citizen_goes_back_to_the_status_page(kpi_central: KpiCentral) -> None:
    token = stored_day.add_ticket(kpi_central.engine, "minami", "M001")
    with httpx.Client(base_url=kpi_central.url) as http:
        first = http.post(f"/t/{token}/rating", data={"score": "9"})
        assert first.status_code == 303
        assert first.headers["location"] == f"/t/{token}"
        again = http.post(f"/t/{token}/rating", data={"score": "3", "lang": "vi"})
        assert again.status_code == 409
    assert ratings_of(kpi_central, token) == [9]
    assert given_score(kpi_central.engine, token) == 9


@pytest.mark.parametrize("score", ["0", "11", "-1", "abc", "", "5.5", " 7", "١", "007", "1e1"])
def test_a_score_outside_1_to_10_is_a_422(kpi_central: KpiCentral, score: str) -> None:
    token = stored_day.add_ticket(kpi_central.engine, "minami", f"M-{score.encode().hex()}")
    response = httpx.post(f"{kpi_central.url}/t/{token}/rating", data={"score": score})
    assert response.status_code == 422
    assert "1 to 10" in response.json()["detail"]
    assert ratings_of(kpi_central, token) == []


def test_other_bad_requests_are_refused_with_nothing_stored(kpi_central: KpiCentral) -> None:
    token = stored_day.add_ticket(kpi_central.engine, "minami", "M002")
    url = f"{kpi_central.url}/t/{token}/rating"
    assert httpx.post(url, data={"rating": "5"}).status_code == 422  # no score field
    assert httpx.post(url, json={"score": 5}).status_code == 415  # not a form
    assert httpx.post(url, data={"score": "5", "pad": "x" * 4096}).status_code == 413  # over the bound
    unknown = "a" * len(token)
    assert httpx.post(f"{kpi_central.url}/t/{unknown}/rating", data={"score": "5"}).status_code == 404
    assert httpx.post(f"{kpi_central.url}/t/short/rating", data={"score": "5"}).status_code == 404
    assert ratings_of(kpi_central, token) == []


def test_too_many_ratings_from_one_address_are_a_429(tmp_path: Path) -> None:
    service, engine = start_central(tmp_path)
    try:
        tokens = [stored_day.add_ticket(engine, "minami", f"R{index:03d}") for index in range(121)]
        with httpx.Client(base_url=service.base_url) as http:
            answers = [http.post(f"/t/{token}/rating", data={"score": "8"}).status_code for token in tokens]
        assert answers[:120] == [303] * 120
        assert answers[120] == 429
        refused = tokens[120]
        with Session(engine) as session:
            assert len(session.exec(select(Rating)).all()) == 120
        assert given_score(engine, refused) is None
    finally:
        service.kill()
        engine.dispose()


def test_the_citizen_goes_back_in_their_language(kpi_central: KpiCentral) -> None:
    token = stored_day.add_ticket(kpi_central.engine, "minami", "M003")
    response = httpx.post(f"{kpi_central.url}/t/{token}/rating", data={"score": "10", "lang": "ja-easy"})
    assert (response.status_code, response.headers["location"]) == (303, f"/t/{token}?lang=ja-easy")
    other = stored_day.add_ticket(kpi_central.engine, "minami", "M004")
    odd = httpx.post(f"{kpi_central.url}/t/{other}/rating", data={"score": "10", "lang": "x&y=1"})
    assert odd.headers["location"] == f"/t/{other}"  # an unknown language is left out, not echoed
