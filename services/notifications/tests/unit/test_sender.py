"""The sender against real HTTP receivers on loopback."""

from __future__ import annotations

import asyncio
import random
import ssl
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from claimflow_shared.webhooks import generate_secret, verify
from notifications.delivery.client import WebhookClient
from notifications.delivery.concurrency import DeliveryLimiter
from notifications.delivery.config import DeliveryConfig
from notifications.delivery.outcome import AttemptResult, ErrorKind
from notifications.delivery.retry import Disposition, classify, next_attempt
from notifications.delivery.sender import USER_AGENT, build_client, send
from notifications.delivery.testing import (
    LoopbackReceiver,
    MappedResolver,
    Received,
    Reply,
    StartReceiver,
    until,
)
from notifications.delivery.url_safety import loopback_networks

SECRET = generate_secret()
BODY = b'{"type":"claims.claim.status_changed.v1","data":{"claim_id":"c-42"}}'
T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
TLS_HOST = "hooks.example.test"


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return a self-signed certificate for TLS_HOST and its key, made with the openssl tool."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", f"/CN={TLS_HOST}",
            "-addext", f"subjectAltName=DNS:{TLS_HOST}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def server_tls(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    """A server TLS context presenting the test certificate."""
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def client_tls(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    """A client TLS context that trusts only the test certificate."""
    return ssl.create_default_context(cafile=str(tls_files[0]))


async def attempt(
    client: WebhookClient,
    url: str,
    *,
    at: datetime = T0,
    secrets: tuple[str, ...] = (SECRET,),
    body_limit: int = 4096,
) -> AttemptResult:
    """Send the test delivery once."""
    return await send(
        client=client,
        url=url,
        webhook_id="msg_test_1",
        timestamp=at,
        body=BODY,
        secrets=secrets,
        body_limit=body_limit,
    )


def verify_received(request: Received, secrets: str | list[str], at: datetime = T0) -> None:
    """Verify a received request with the receiver-side helper."""
    verify(request.body, request.headers, secrets, now=at)


class TestSignedRequest:
    async def test_receiver_verifies_the_signature(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(204))
        result = await attempt(client, receiver.url())
        assert result.succeeded and result.status_code == 204 and result.error_kind is None
        (request,) = receiver.requests
        verify_received(request, SECRET)
        assert request.body == BODY

    async def test_request_is_a_json_post_with_a_user_agent(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(200))
        await attempt(client, receiver.url("/in/claims"))
        (request,) = receiver.requests
        assert (request.method, request.target) == ("POST", "/in/claims")
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"] == USER_AGENT
        assert request.headers["webhook-timestamp"] == str(int(T0.timestamp()))

    async def test_rotated_secrets_both_verify(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        old, new = generate_secret(), generate_secret()
        receiver = await receivers(Reply(204))
        await attempt(client, receiver.url(), secrets=(new, old))
        (request,) = receiver.requests
        assert len(request.headers["webhook-signature"].split()) == 2
        verify_received(request, old)
        verify_received(request, new)
        verify_received(request, [generate_secret(), old])


class TestRetryFlow:
    async def test_500_then_200_retries_with_the_same_webhook_id(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(500, body=b"boom"), Reply(200))
        first = await attempt(client, receiver.url())
        assert (first.status_code, first.error_kind) == (500, ErrorKind.HTTP_STATUS)
        assert first.response_body == b"boom"
        retry_at = next_attempt(attempt_number=1, outcome=first, now=T0, rng=random.Random(1))
        assert retry_at is not None and T0 < retry_at <= T0 + timedelta(seconds=6)
        second = await attempt(client, receiver.url(), at=retry_at)
        assert classify(second) is Disposition.DELIVERED
        ids = {request.headers["webhook-id"] for request in receiver.requests}
        assert ids == {"msg_test_1"}
        verify_received(receiver.requests[0], SECRET, at=T0)
        verify_received(receiver.requests[1], SECRET, at=retry_at)

    async def test_429_retry_after_seconds_is_honoured(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(429, headers={"Retry-After": "120"}))
        result = await attempt(client, receiver.url())
        assert result.retry_after == timedelta(seconds=120)
        retry_at = next_attempt(attempt_number=1, outcome=result, now=T0, rng=random.Random(1))
        assert retry_at == T0 + timedelta(seconds=120)

    async def test_503_retry_after_http_date_is_honoured(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        later = format_datetime(T0 + timedelta(minutes=10), usegmt=True)
        receiver = await receivers(Reply(503, headers={"Retry-After": later}))
        result = await attempt(client, receiver.url())
        assert result.retry_after is not None
        assert timedelta(minutes=9) < result.retry_after <= timedelta(minutes=10)
        assert classify(result) is Disposition.RETRY

    async def test_redirect_is_not_followed(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        target = await receivers(Reply(200))
        redirecting = await receivers(Reply(302, headers={"Location": target.url()}))
        result = await attempt(client, redirecting.url())
        assert (result.status_code, result.error_kind) == (302, ErrorKind.REDIRECT)
        assert result.location == target.url()
        assert target.requests == []
        assert next_attempt(attempt_number=1, outcome=result, now=T0, rng=random.Random()) is None

    async def test_refused_connection_is_retried(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers()
        url = receiver.url()
        await receiver.close()
        result = await attempt(client, url)
        assert (result.status_code, result.error_kind) == (None, ErrorKind.CONNECTION)
        assert classify(result) is Disposition.RETRY


class TestResponseBody:
    async def test_body_is_cut_at_the_limit(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(400, body=b"e" * 200_000))
        result = await attempt(client, receiver.url())
        assert result.response_body == b"e" * 4096 and result.body_truncated
        assert result.status_code == 400

    async def test_rest_of_a_large_body_is_not_downloaded(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(200, body=bytes(32 * 1024 * 1024)))
        result = await attempt(client, receiver.url())
        assert result.succeeded and result.body_truncated
        await asyncio.wait_for(receiver.aborted.wait(), 30)

    async def test_short_body_is_kept_whole(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(200, body=b'{"ok":true}'))
        result = await attempt(client, receiver.url(), body_limit=11)
        assert result.response_body == b'{"ok":true}' and not result.body_truncated

    async def test_connection_stays_usable_after_a_cut_body(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(200, body=b"x" * 50_000), Reply(204))
        await attempt(client, receiver.url(), body_limit=16)
        second = await attempt(client, receiver.url())
        assert second.status_code == 204 and len(receiver.requests) == 2


class TestSlowReceivers:
    async def test_hanging_receiver_times_out_without_holding_back_another(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        hanging = await receivers(Reply(hang=True))
        healthy = await receivers(Reply(204))
        stuck = asyncio.create_task(attempt(client, hanging.url()))
        await hanging.wait_for_requests(1)
        fine = await attempt(client, healthy.url())
        assert fine.succeeded
        assert not stuck.done()
        result = await stuck
        assert (result.status_code, result.error_kind) == (None, ErrorKind.TIMEOUT)
        assert classify(result) is Disposition.RETRY

    async def test_attempt_deadline_ends_an_attempt_before_the_read_timeout(
        self, receivers: StartReceiver, loopback_config: DeliveryConfig
    ) -> None:
        hanging = await receivers(Reply(hang=True))
        async with build_client(replace(loopback_config, read_timeout=60.0)) as client:
            result = await send(
                client=client,
                url=hanging.url(),
                webhook_id="msg_deadline",
                timestamp=T0,
                body=BODY,
                secrets=[SECRET],
                deadline=0.3,
            )
        assert result.error_kind is ErrorKind.TIMEOUT
        assert "deadline" in (result.error_message or "")

    async def test_queued_deliveries_of_a_stuck_subscription_hold_no_global_slot(
        self, receivers: StartReceiver, loopback_config: DeliveryConfig
    ) -> None:
        hanging = await receivers(Reply(hang=True))
        healthy = await receivers(Reply(204))
        limiter = DeliveryLimiter(max_concurrency=2, per_subscription=1, per_host=8)
        patient = replace(loopback_config, read_timeout=60.0, attempt_deadline=60.0)
        async with build_client(patient) as client:

            async def deliver(subscription_id: str, url: str) -> AttemptResult:
                async with limiter.slot(subscription_id=subscription_id, host="127.0.0.1"):
                    return await attempt(client, url)

            first = asyncio.create_task(deliver("stuck", hanging.url()))
            await hanging.wait_for_requests(1)
            queued = asyncio.create_task(deliver("stuck", hanging.url()))
            await until(lambda: limiter.waiting(subscription_id="stuck") == 1)
            other = await asyncio.wait_for(deliver("healthy", healthy.url()), 30)
            assert other.succeeded
            assert not first.done() and not queued.done()
            assert len(hanging.requests) == 1
            for task in (first, queued):
                task.cancel()
            await asyncio.gather(first, queued, return_exceptions=True)


class TestUrlSafety:
    async def test_loopback_is_refused_without_an_allowlist(self, receivers: StartReceiver) -> None:
        receiver = await receivers(Reply(204))
        async with build_client(DeliveryConfig(require_https=False)) as strict:
            results = [
                await attempt(strict, receiver.url()),
                await attempt(strict, receiver.url(host="localhost")),
                await attempt(strict, receiver.url(host="[::ffff:127.0.0.1]")),
                await attempt(strict, receiver.url(host="2130706433")),
            ]
        assert {result.error_kind for result in results} == {ErrorKind.UNSAFE_URL}
        assert {classify(result) for result in results} == {Disposition.FAIL}
        assert receiver.connections == 0

    async def test_plain_http_is_refused_in_production(self, receivers: StartReceiver) -> None:
        receiver = await receivers(Reply(204))
        config = DeliveryConfig(allowed_networks=loopback_networks())
        async with build_client(config) as production:
            result = await attempt(production, receiver.url())
        assert result.error_kind is ErrorKind.UNSAFE_URL and "https" in (result.error_message or "")
        assert receiver.connections == 0

    async def test_name_resolving_to_a_refused_address_is_not_dialled(
        self, receivers: StartReceiver, loopback_config: DeliveryConfig
    ) -> None:
        receiver = await receivers(Reply(204))
        resolver = MappedResolver({"mixed.example.test": ["127.0.0.1", "10.1.2.3"]})
        async with build_client(loopback_config, resolver=resolver) as mapped:
            result = await attempt(mapped, receiver.url(host="mixed.example.test"))
        assert result.error_kind is ErrorKind.UNSAFE_URL and "10.1.2.3" in (
            result.error_message or ""
        )
        assert receiver.connections == 0

    async def test_connection_goes_to_the_checked_address_with_the_name_as_host(
        self, receivers: StartReceiver, loopback_config: DeliveryConfig
    ) -> None:
        receiver = await receivers(Reply(204))
        resolver = MappedResolver({"hooks.example.test": ["127.0.0.1"]})
        async with build_client(loopback_config, resolver=resolver) as mapped:
            result = await attempt(mapped, receiver.url(host="hooks.example.test"))
        assert result.succeeded
        assert receiver.requests[0].headers["host"] == f"hooks.example.test:{receiver.port}"
        assert resolver.calls == {"hooks.example.test": 1}

    async def test_unknown_name_is_a_connection_failure(
        self, loopback_config: DeliveryConfig
    ) -> None:
        async with build_client(loopback_config, resolver=MappedResolver({})) as mapped:
            result = await attempt(mapped, "http://nowhere.example.test/hooks")
        assert result.error_kind is ErrorKind.CONNECTION
        assert classify(result) is Disposition.RETRY


@pytest.fixture
async def tls_receiver(receivers: StartReceiver, server_tls: ssl.SSLContext) -> LoopbackReceiver:
    """A loopback receiver speaking TLS with the certificate for TLS_HOST."""
    return await receivers(Reply(204), ssl_context=server_tls)


async def attempt_over_tls(
    receiver: LoopbackReceiver, host: str, config: DeliveryConfig, client_tls: ssl.SSLContext
) -> AttemptResult:
    """Send to ``receiver`` over https, naming it ``host`` (which resolves to loopback)."""
    resolver = MappedResolver({host: ["127.0.0.1"]})
    async with build_client(config, resolver=resolver, ssl_context=client_tls) as client:
        return await attempt(client, receiver.url(host=host, scheme="https"))


class TestTls:
    async def test_https_to_a_pinned_address_uses_the_name_for_sni_and_verification(
        self,
        tls_receiver: LoopbackReceiver,
        client_tls: ssl.SSLContext,
        loopback_config: DeliveryConfig,
    ) -> None:
        result = await attempt_over_tls(tls_receiver, TLS_HOST, loopback_config, client_tls)
        assert result.succeeded
        assert tls_receiver.server_names == [TLS_HOST]
        verify_received(tls_receiver.requests[0], SECRET)

    async def test_certificate_for_another_name_is_rejected(
        self,
        tls_receiver: LoopbackReceiver,
        client_tls: ssl.SSLContext,
        loopback_config: DeliveryConfig,
    ) -> None:
        host = "other.example.test"
        result = await attempt_over_tls(tls_receiver, host, loopback_config, client_tls)
        assert result.error_kind is ErrorKind.CONNECTION
        assert tls_receiver.requests == []
