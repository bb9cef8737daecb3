"""Signing secrets sealed at rest with AES-GCM: round trip, key rotation, binding, tampering."""

from __future__ import annotations

import base64
import uuid

import pytest

from claimflow_shared.webhooks import generate_secret
from notifications.subscriptions.sealing import (
    DEVELOPMENT_KEY,
    MissingKeyError,
    SealingError,
    SecretBox,
    new_key,
    parse_keys,
    secret_box,
)

OWNER = uuid.UUID("00000000-0000-4000-8000-000000000001").bytes
OTHER = uuid.UUID("00000000-0000-4000-8000-000000000002").bytes


def box_of(*keys: str) -> SecretBox:
    """A box from base64 keys, the first sealing."""
    return secret_box(secret_keys=",".join(keys), production=True)


class TestSealing:
    def test_a_sealed_secret_opens_to_itself_and_does_not_contain_it(self) -> None:
        box = box_of(new_key())
        secret = generate_secret()
        sealed = box.seal(secret, context=OWNER)
        assert box.open(sealed, context=OWNER) == secret
        assert secret.encode() not in sealed
        assert box.seal(secret, context=OWNER) != sealed

    def test_a_secret_sealed_for_one_subscription_does_not_open_for_another(self) -> None:
        box = box_of(new_key())
        sealed = box.seal(generate_secret(), context=OWNER)
        with pytest.raises(SealingError, match="does not verify"):
            box.open(sealed, context=OTHER)

    def test_a_tampered_secret_does_not_open(self) -> None:
        box = box_of(new_key())
        sealed = bytearray(box.seal(generate_secret(), context=OWNER))
        sealed[-1] ^= 1
        with pytest.raises(SealingError):
            box.open(bytes(sealed), context=OWNER)

    def test_after_adding_a_key_in_front_old_secrets_still_open_and_new_ones_use_it(self) -> None:
        old_key, new = new_key(), new_key()
        secret = generate_secret()
        sealed_before = box_of(old_key).seal(secret, context=OWNER)
        rotated = box_of(new, old_key)
        assert rotated.open(sealed_before, context=OWNER) == secret
        sealed_after = rotated.seal(secret, context=OWNER)
        assert box_of(new).open(sealed_after, context=OWNER) == secret
        with pytest.raises(SealingError, match="not configured"):
            box_of(new).open(sealed_before, context=OWNER)


class TestKeys:
    def test_production_refuses_to_run_without_a_key(self) -> None:
        with pytest.raises(MissingKeyError, match="NOTIFICATIONS_SECRET_KEYS"):
            secret_box(secret_keys="", production=True)

    def test_development_falls_back_to_the_development_key(self) -> None:
        assert secret_box(secret_keys=" ", production=False).keys == [DEVELOPMENT_KEY]

    @pytest.mark.parametrize(
        "value", ["not base64!", base64.b64encode(b"short").decode(), "QUJD" * 11]
    )
    def test_a_malformed_key_is_refused(self, value: str) -> None:
        with pytest.raises(ValueError):
            secret_box(secret_keys=value, production=False)

    def test_keys_are_comma_separated(self) -> None:
        first, second = new_key(), new_key()
        assert parse_keys(f" {first} ,{second},") == [
            base64.b64decode(first),
            base64.b64decode(second),
        ]
