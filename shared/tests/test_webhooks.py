"""Standard Webhooks signing and verification."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from claimflow_shared.webhooks import (
    MissingHeaderError,
    SignatureError,
    TimestampError,
    WebhookVerificationError,
    decode_secret,
    generate_secret,
    sign,
    signature_header,
    verify,
    webhook_headers,
)

KEY = b"claimflow-test-key-0123456789abc"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another-key-for-rotation-tests!!").decode()
BODY = b'{"type":"claims.claim.status_changed.v1","data":{"claim_id":"c-1"}}'
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp())


def headers_for(*secrets: str, timestamp: int = TS, body: bytes = BODY) -> dict[str, str]:
    """Return signed headers for the test body."""
    return webhook_headers(
        secrets=list(secrets), webhook_id="msg_1", timestamp=timestamp, body=body
    )


class TestSign:
    def test_signature_is_hmac_sha256_of_id_timestamp_body(self) -> None:
        mac = hmac.new(KEY, b"msg_1." + str(TS).encode() + b"." + BODY, hashlib.sha256).digest()
        expected = "v1," + base64.b64encode(mac).decode()
        assert sign(secret=SECRET, webhook_id="msg_1", timestamp=TS, body=BODY) == expected

    def test_header_carries_one_signature_per_secret(self) -> None:
        header = signature_header(
            secrets=[SECRET, OTHER_SECRET], webhook_id="m", timestamp=1, body=b""
        )
        first, second = header.split(" ")
        assert first == sign(secret=SECRET, webhook_id="m", timestamp=1, body=b"")
        assert second == sign(secret=OTHER_SECRET, webhook_id="m", timestamp=1, body=b"")

    def test_headers_name_id_and_timestamp(self) -> None:
        headers = headers_for(SECRET)
        assert headers["webhook-id"] == "msg_1"
        assert headers["webhook-timestamp"] == str(TS)

    def test_signing_without_secrets_is_refused(self) -> None:
        with pytest.raises(ValueError):
            signature_header(secrets=[], webhook_id="m", timestamp=1, body=b"")


class TestSecrets:
    def test_generated_secret_decodes_to_random_key(self) -> None:
        first, second = generate_secret(), generate_secret()
        assert first.startswith("whsec_")
        assert len(decode_secret(first)) == 32
        assert first != second

    @pytest.mark.parametrize("bad", ["abc", "whsec_", "whsec_not base64!", "WHSEC_" + SECRET[6:]])
    def test_malformed_secret_is_a_value_error(self, bad: str) -> None:
        with pytest.raises(ValueError):
            decode_secret(bad)

    def test_verify_with_no_secrets_is_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            verify(BODY, headers_for(SECRET), [], now=NOW)


class TestVerify:
    def test_valid_delivery_verifies(self) -> None:
        verify(BODY, headers_for(SECRET), SECRET, now=NOW)

    def test_header_names_are_case_insensitive(self) -> None:
        upper = {name.upper(): value for name, value in headers_for(SECRET).items()}
        verify(BODY, upper, [SECRET], now=NOW)

    def test_tampered_body_is_rejected(self) -> None:
        with pytest.raises(SignatureError):
            verify(BODY + b" ", headers_for(SECRET), SECRET, now=NOW)

    def test_changed_id_is_rejected(self) -> None:
        headers = headers_for(SECRET) | {"webhook-id": "msg_2"}
        with pytest.raises(SignatureError):
            verify(BODY, headers, SECRET, now=NOW)

    def test_changed_timestamp_is_rejected(self) -> None:
        headers = headers_for(SECRET) | {"webhook-timestamp": str(TS + 1)}
        with pytest.raises(SignatureError):
            verify(BODY, headers, SECRET, now=NOW)

    def test_wrong_secret_is_rejected(self) -> None:
        with pytest.raises(SignatureError):
            verify(BODY, headers_for(OTHER_SECRET), SECRET, now=NOW)

    @pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
    def test_missing_header_is_named(self, header: str) -> None:
        headers = headers_for(SECRET)
        del headers[header]
        with pytest.raises(MissingHeaderError, match=header):
            verify(BODY, headers, SECRET, now=NOW)

    def test_empty_header_counts_as_missing(self) -> None:
        with pytest.raises(MissingHeaderError):
            verify(BODY, headers_for(SECRET) | {"webhook-signature": " "}, SECRET, now=NOW)

    @pytest.mark.parametrize("value", ["12.5", "-5", "soon", "1e9"])
    def test_malformed_timestamp_is_rejected(self, value: str) -> None:
        with pytest.raises(TimestampError):
            verify(BODY, headers_for(SECRET) | {"webhook-timestamp": value}, SECRET, now=NOW)

    def test_errors_share_one_base(self) -> None:
        with pytest.raises(WebhookVerificationError):
            verify(BODY, {}, SECRET, now=NOW)


class TestTolerance:
    def test_old_timestamp_is_rejected(self) -> None:
        with pytest.raises(TimestampError, match="too old"):
            verify(BODY, headers_for(SECRET, timestamp=TS - 301), SECRET, now=NOW)

    def test_future_timestamp_is_rejected(self) -> None:
        with pytest.raises(TimestampError, match="future"):
            verify(BODY, headers_for(SECRET, timestamp=TS + 301), SECRET, now=NOW)

    @pytest.mark.parametrize("offset", [-300, 300])
    def test_edge_of_tolerance_is_accepted(self, offset: int) -> None:
        verify(BODY, headers_for(SECRET, timestamp=TS + offset), SECRET, now=NOW)

    def test_custom_tolerance_applies(self) -> None:
        headers = headers_for(SECRET, timestamp=TS - 3600)
        verify(BODY, headers, SECRET, now=NOW, tolerance=timedelta(hours=2))
        with pytest.raises(TimestampError):
            verify(BODY, headers, SECRET, now=NOW, tolerance=timedelta(minutes=59))

    def test_tolerance_is_checked_before_signature(self) -> None:
        headers = headers_for(OTHER_SECRET, timestamp=TS - 3600)
        with pytest.raises(TimestampError):
            verify(BODY, headers, SECRET, now=NOW)


class TestRotation:
    def test_receiver_with_old_secret_accepts_dual_signed_delivery(self) -> None:
        verify(BODY, headers_for(SECRET, OTHER_SECRET), OTHER_SECRET, now=NOW)

    def test_receiver_with_new_secret_accepts_dual_signed_delivery(self) -> None:
        verify(BODY, headers_for(SECRET, OTHER_SECRET), SECRET, now=NOW)

    def test_receiver_holding_both_accepts_either(self) -> None:
        verify(BODY, headers_for(OTHER_SECRET), [SECRET, OTHER_SECRET], now=NOW)
        verify(BODY, headers_for(SECRET), [SECRET, OTHER_SECRET], now=NOW)

    def test_unknown_versions_and_garbage_are_skipped(self) -> None:
        valid = headers_for(SECRET)["webhook-signature"]
        header = f"v1a,AAAA v1,@@@ v2,{valid[3:]} {valid}"
        verify(BODY, headers_for(SECRET) | {"webhook-signature": header}, SECRET, now=NOW)

    def test_valid_mac_under_another_version_is_not_accepted(self) -> None:
        valid = headers_for(SECRET)["webhook-signature"]
        header = "v2," + valid[3:]
        with pytest.raises(SignatureError):
            verify(BODY, headers_for(SECRET) | {"webhook-signature": header}, SECRET, now=NOW)
