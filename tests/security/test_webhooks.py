"""Webhook endpoints against server-side request forgery and weak set-up: only public HTTPS targets unless an
allow-list names a host, no credentials in URLs, strong secrets, catalog procedure ids, `webhook list` and
`webhook remove`; a target checked again before each delivery (defect 10 of the review)."""

import asyncio
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from central.accounts.service import Staff
from central.cases.actions import approve
from central.cases.interview import record_interview
from central.db import make_engine
from central.models import CaseProcedure, DeliveryStatus, Role, WebhookDelivery
from central.webhooks.endpoints import add_endpoint, endpoints
from central.webhooks.sender import deliver_due
from central.webhooks.targets import ALLOW_ENV, AllowList, TargetRefusedError, checked_target
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from testbed.households import citizen
from testbed.services import MADOGUCHI, ROOT
from tests.staff.receiver import Receiver

NOBODY = AllowList()
KNOWN = frozenset(p.procedure.id for p in CatalogPlanner.load(SAMPLE_CATALOG).catalog.procedures)
PUBLIC = "https://8.8.8.8/madoguchi"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "http://"),
        ("https://169.254.169.254/latest/meta-data/", "private"),
        ("https://127.0.0.1:8000/staff/", "private"),
        ("https://localhost/", "private"),
        ("https://[::1]/", "private"),
        ("https://[::ffff:127.0.0.1]/", "private"),
        ("https://10.1.2.3/", "private"),
        ("https://192.168.0.10/", "private"),
        ("https://0.0.0.0/", "private"),
        ("http:///hook", "no host"),
        ("https://juki:hunter2@8.8.8.8/", "credentials"),
        ("http://8.8.8.8/", "http://"),
        ("ftp://8.8.8.8/", "https://"),
        ("https://8.8.8.8:99999/", "port"),
    ],
)
def test_targets_central_must_not_reach_are_refused(url: str, why: str) -> None:
    with pytest.raises(TargetRefusedError, match=why) as refused:
        checked_target(url, NOBODY)
    assert "hunter2" not in str(refused.value)


def test_public_https_and_allow_listed_hosts_are_accepted() -> None:
    assert checked_target(PUBLIC, NOBODY) == PUBLIC
    allow = AllowList.parse("juki.city.local, 10.0.0.0/8, 127.0.0.1")
    for url in ("http://juki.city.local/hook", "https://10.1.2.3/hook", "http://127.0.0.1:9/hook"):
        assert checked_target(url, allow) == url
    with pytest.raises(TargetRefusedError):
        checked_target("https://192.168.0.10/", allow)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central' / 'central.db'}")
    yield engine
    engine.dispose()


@pytest.mark.parametrize("secret", ["x", "a" * 64, "abcdabcdabcdabcdabcdabcdabcdabcd"])
def test_weak_secrets_are_refused(engine: Engine, secret: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        add_endpoint(engine, PUBLIC, [], secret, allow=NOBODY, known_procedures=KNOWN)
    assert endpoints(engine) == []


def test_generated_secrets_are_strong_and_unknown_procedures_refused(engine: Engine) -> None:
    secret = add_endpoint(engine, PUBLIC, ["tennyu_todoke"], allow=NOBODY, known_procedures=KNOWN)
    assert len(secret) >= 43
    with pytest.raises(ValueError, match="no_such_procedure"):
        add_endpoint(engine, PUBLIC, ["no_such_procedure"], allow=NOBODY, known_procedures=KNOWN)
    assert [(e.url, e.procedures) for e in endpoints(engine)] == [(PUBLIC, ["tennyu_todoke"])]


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != ALLOW_ENV}
    argv = [*MADOGUCHI, "central", "webhook", *args, "--data-dir", str(data_dir)]
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env, check=False)


def test_webhook_add_list_and_remove_from_the_cli(tmp_path: Path) -> None:
    refused = cli(tmp_path, "add", "http://169.254.169.254/latest/meta-data/")
    assert refused.returncode != 0
    assert "http://" in refused.stderr
    secret = cli(tmp_path, "add", PUBLIC, "--procedure", "tennyu_todoke").stdout.strip()
    listed = cli(tmp_path, "list").stdout
    assert listed.startswith(f"1\t{PUBLIC}\ttennyu_todoke\t")
    assert secret not in listed
    removed = cli(tmp_path, "remove", "1")
    assert removed.returncode == 0, removed.stderr
    assert cli(tmp_path, "list").stdout == ""
    assert cli(tmp_path, "remove", "1").returncode != 0


def test_a_target_no_longer_allowed_is_not_sent_to(engine: Engine) -> None:
    receiver = Receiver().start()
    try:
        add_endpoint(engine, receiver.url, [], allow=AllowList.parse("127.0.0.1"), known_procedures=KNOWN)
        staff = Staff("tester", Role.SUPERVISOR, frozenset({"honcho"}), frozenset(), "csrf")
        planner = CatalogPlanner.load(SAMPLE_CATALOG)
        case_id = record_interview(engine, planner, staff, "honcho", citizen(random.Random(5), 5))
        with Session(engine) as session:
            first = session.exec(select(CaseProcedure.procedure_id)).first()
        assert first is not None
        approve(engine, staff, case_id, first)

        async def deliver() -> int:
            async with httpx.AsyncClient() as client:
                return await deliver_due(engine, client, NOBODY)  # the allow-list no longer names it

        assert asyncio.run(deliver()) == 1
    finally:
        receiver.stop()
    assert sum(receiver.attempts.values()) == 0
    with Session(engine) as session:
        delivery = session.exec(select(WebhookDelivery)).one()
    assert delivery.status == DeliveryStatus.DEAD
    assert ALLOW_ENV in delivery.last_error
