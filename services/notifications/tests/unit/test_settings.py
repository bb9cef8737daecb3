"""The notifications settings: URL policy by environment, allowlists, keys."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest
from pydantic import ValidationError

from notifications.delivery.url_safety import refusal_reason
from notifications.settings import NotificationsSettings

KEY = "ZmFrZS1idXQtd2VsbC1mb3JtZWQtMzItYnl0ZS1rZXk="


class TestUrlPolicy:
    def test_development_allows_plain_http_to_loopback(self) -> None:
        policy = NotificationsSettings(environment="development").url_policy
        assert not policy.require_https
        assert refusal_reason(ip_address("127.0.0.1"), policy) is None
        assert refusal_reason(ip_address("10.0.0.1"), policy) is not None

    def test_production_wants_https_and_refuses_loopback(self) -> None:
        policy = NotificationsSettings(environment="production", secret_keys=KEY).url_policy
        assert policy.require_https
        assert refusal_reason(ip_address("127.0.0.1"), policy) == "127.0.0.1 is loopback"

    def test_an_allowlist_and_an_explicit_loopback_choice_win_over_the_environment(self) -> None:
        settings = NotificationsSettings(
            environment="production",
            secret_keys=KEY,
            allow_loopback=True,
            allowed_networks="10.20.0.0/16, fd00::/8",
        )
        policy = settings.url_policy
        assert ip_network("10.20.0.0/16") in policy.allowed_networks
        assert refusal_reason(ip_address("10.20.3.4"), policy) is None
        assert refusal_reason(ip_address("10.21.3.4"), policy) is not None
        assert refusal_reason(ip_address("127.0.0.1"), policy) is None
        strict = NotificationsSettings(environment="development", allow_loopback=False)
        assert refusal_reason(ip_address("127.0.0.1"), strict.url_policy) is not None

    def test_a_malformed_network_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="allowed_networks"):
            NotificationsSettings(allowed_networks="10.0.0.0/33")


class TestSecretKeys:
    def test_a_malformed_key_is_refused_when_the_settings_are_read(self) -> None:
        with pytest.raises(ValidationError, match="secret_keys"):
            NotificationsSettings(secret_keys="QUJD")

    def test_the_key_is_not_shown_in_the_settings_repr(self) -> None:
        assert KEY not in repr(NotificationsSettings(secret_keys=KEY))
