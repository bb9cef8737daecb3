"""No patient name, birth date or member id in any log line, event or span of a full flow.

A synthetic patient with values found nowhere else goes through JSON and X12 intake, code
review, the authorization check and webhook delivery; then every captured log line (as the
JSON formatter writes it), every event (on the bus and in every outbox), every span and every
webhook body is searched for those values.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text

from claimflow_shared.auth.keys import Role
from claimflow_shared.bus.base import Message
from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.db import connect
from claimflow_shared.logs import JsonFormatter
from claimflow_shared.telemetry import span_record
from claimflow_shared.x12.p837 import synthetic
from notifications.delivery.testing import LoopbackReceiver, Reply
from tests.integration.flow import EmbeddedFactory, claim_body, final_claim, subscribe, wait_for
from tests.security.conftest import issue

LAST, FIRST, DEPENDANT = "Quokkaface", "Zyxwvut", "Juniperina"
BORN = date(1932, 2, 29)
MEMBER = "MBRZZ998877"
NEEDLES = (LAST, FIRST, DEPENDANT, MEMBER, BORN.isoformat(), BORN.strftime("%Y%m%d"))
OUR_LOGGERS = ("claimflow", "claimflow_shared", "claims", "code_catalog", "prior_auth")


class RecordingBus(MemoryBus):
    """The in-process bus, keeping a copy of every message published."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Message] = []

    async def publish(self, messages: Sequence[Message]) -> None:
        self.published.extend(messages)
        await super().publish(messages)


def json_claim(served: date) -> dict[str, Any]:
    """A clean claim whose subscriber and patient are the synthetic person."""
    person = {"last_name": LAST, "first_name": FIRST, "birth_date": BORN.isoformat()}
    body = claim_body()
    body["lines"][0]["service_date"] = served.isoformat()
    return body | {
        "patient": person | {"gender": "F"},
        "subscriber": person | {"member_id": MEMBER, "relationship": "18", "gender": "F"},
    }


def x12_claim(served: date) -> bytes:
    """An 837P whose subscriber (NM1*IL, DMG) and dependant patient (NM1*QC, DMG) are synthetic."""
    dob = BORN.strftime("%Y%m%d")
    segments = synthetic.header() + synthetic.billing_provider()
    segments += [
        ["HL", "2", "1", "22", "1"],
        ["SBR", "P", "", "GRP001", "", "", "", "", "", "CI"],
        ["NM1", "IL", "1", LAST.upper(), FIRST.upper(), "", "", "", "MI", MEMBER],
        ["N3", "1 ELM ST"],
        ["N4", "SPRINGFIELD", "IL", "62704"],
        ["DMG", "D8", dob, "F"],
        ["NM1", "PR", "2", "DEMO PAYER", "", "", "", "", "PI", "DEMO-PAYER"],
        ["HL", "3", "2", "23", "0"],
        ["PAT", "19"],
        ["NM1", "QC", "1", LAST.upper(), DEPENDANT.upper()],
        ["N3", "1 ELM ST"],
        ["N4", "SPRINGFIELD", "IL", "62704"],
        ["DMG", "D8", dob, "F"],
        ["CLM", "QUOKKA0001", "25", "", "", ("11", "B", "1"), "Y", "A", "Y", "Y"],
        ["HI", ("ABK", "J101")],
        ["LX", "1"],
        ["SV1", ("HC", "G0008"), "25", "UN", "1", "", "", "1"],
        ["DTP", "472", "D8", served.strftime("%Y%m%d")],
    ]
    return synthetic.interchange([[segments]])


def leaks(texts: dict[str, list[str]]) -> list[str]:
    """Where a needle occurs, case-insensitively."""
    found = []
    for kind, items in texts.items():
        for item in items:
            lowered = item.lower()
            found += [f"{kind}: {n!r} in {item[:300]}" for n in NEEDLES if n.lower() in lowered]
    return found


def span_text(span: ReadableSpan) -> str:
    """Everything a span exports: name, attributes, events, status."""
    events = [(e.name, dict(e.attributes or {})) for e in span.events]
    return json.dumps(
        [span_record(span), events, span.status.description], default=str, sort_keys=True
    )


async def outbox_rows(urls: dict[str, str]) -> list[str]:
    """Every outbox row of every service, headers and payload."""
    rows = []
    for url in urls.values():
        database = connect(url, pool_size=1)
        try:
            async with database.session() as session:
                result = await session.execute(text("SELECT headers, payload FROM outbox"))
                rows += [f"{json.dumps(h)} {bytes(p).decode()}" for h, p in result]
        finally:
            await database.dispose()
    return rows


@pytest.fixture
def captured_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    for name in OUR_LOGGERS + ("notifications",):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


async def test_no_patient_identity_leaves_through_logs_events_or_spans(
    start_embedded: EmbeddedFactory,
    service_urls: dict[str, str],
    captured_logs: pytest.LogCaptureFixture,
) -> None:
    bus, spans = RecordingBus(), InMemorySpanExporter()
    embedded = await start_embedded(span_exporters=[spans], bus=bus)
    key = await issue(service_urls, "tenant-phi", Role.SUBMITTER)
    served = date.today() - timedelta(days=7)
    receiver = LoopbackReceiver([Reply(204)] * 20)
    await receiver.start()
    apps = embedded.apps
    claims = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=apps["claims"]), base_url="http://c"
    )
    notifications = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=apps["notifications"]), base_url="http://n"
    )
    async with claims, notifications:
        await subscribe(notifications, key, receiver.url())
        submitted = await claims.post(
            "/v1/claims", json=json_claim(served), headers={"X-API-Key": key}
        )
        assert submitted.status_code == 202, submitted.text
        x12 = await claims.post(
            "/v1/x12/837",
            content=x12_claim(served),
            headers={"X-API-Key": key, "content-type": "application/edi-x12"},
        )
        assert x12.status_code == 200, x12.text
        taken = [c for c in x12.json()["claims"] if c["accepted"]]
        assert len(taken) == 1, x12.json()
        statuses = [
            (await final_claim(claims, key, claim_id))["status"]
            for claim_id in (submitted.json()["claim_id"], taken[0]["claim_id"])
        ]
    await wait_for(lambda: _delivered(receiver, 4), what="a webhook for each claim's two statuses")
    await receiver.close()
    stored = await _stored_people(service_urls["claims"])
    assert stored >= 2, "the synthetic person did not reach the claims database at all"
    texts = {
        "log": [JsonFormatter().format(r) for r in captured_logs.records],
        "bus": [f"{m.headers} {m.value.decode()}" for m in bus.published],
        "outbox": await outbox_rows(service_urls),
        "span": [span_text(s) for s in spans.get_finished_spans()],
        "webhook": [r.body.decode() for r in receiver.requests],
    }
    print(
        f"\npatient data: statuses {statuses}; searched {len(texts['log'])} log lines, "
        f"{len(texts['bus'])} bus events, {len(texts['outbox'])} outbox rows, "
        f"{len(texts['span'])} spans, {len(texts['webhook'])} webhooks; "
        f"{len(NEEDLES)} values, leaks: {len(leaks(texts))}"
    )
    assert all(texts.values()), {k: len(v) for k, v in texts.items()}
    assert leaks(texts) == []


async def _delivered(receiver: LoopbackReceiver, count: int) -> bool:
    return len(receiver.requests) >= count


async def _stored_people(url: str) -> int:
    """Demographics rows holding the synthetic person (kept apart from claims and events)."""
    database = connect(url, pool_size=1)
    try:
        async with database.session() as session:
            found = await session.scalar(
                text("SELECT count(*) FROM claim_demographics d WHERE d::text ILIKE :n"),
                {"n": f"%{LAST}%"},
            )
            return int(found or 0)
    finally:
        await database.dispose()
