"""Which URLs and addresses the sender may reach."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import httpx
import pytest

from notifications.delivery.testing import MappedResolver
from notifications.delivery.url_safety import (
    UnsafeUrlError,
    UrlPolicy,
    check_url,
    loopback_networks,
    refusal_reason,
    resolve_checked,
)

STRICT = UrlPolicy()
LOOPBACK_OK = UrlPolicy(require_https=False, allowed_networks=loopback_networks())


class TestAddresses:
    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("10.0.0.1", "private"),
            ("172.16.5.4", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("127.0.0.1", "loopback"),
            ("127.9.9.9", "loopback"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("100.64.0.1", "CGNAT"),
            ("100.127.255.254", "CGNAT"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("255.255.255.255", "reserved"),
            ("192.0.2.10", "not globally routable"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fc00::1", "unique local"),
            ("fd12:3456::1", "unique local"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::127.0.0.1", "IPv4-compatible"),
            ("2002:a00:1::", "private"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("2001:db8::1", "not globally routable"),
        ],
    )
    def test_internal_addresses_are_refused(self, address: str, reason: str) -> None:
        found = refusal_reason(ip_address(address), STRICT)
        assert found is not None and reason in found

    @pytest.mark.parametrize(
        "address",
        ["93.184.216.34", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.32.0.1",
         "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::", "64:ff9b::808:808"],
    )  # fmt: skip
    def test_public_addresses_are_permitted(self, address: str) -> None:
        assert refusal_reason(ip_address(address), STRICT) is None

    @pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"])
    def test_allowlist_permits_loopback(self, address: str) -> None:
        assert refusal_reason(ip_address(address), LOOPBACK_OK) is None

    def test_allowlist_permits_only_what_it_names(self) -> None:
        policy = UrlPolicy(allowed_networks=(ip_network("10.20.0.0/16"),))
        assert refusal_reason(ip_address("10.20.1.1"), policy) is None
        assert refusal_reason(ip_address("10.21.1.1"), policy) is not None
        assert refusal_reason(ip_address("127.0.0.1"), LOOPBACK_OK) is None
        assert refusal_reason(ip_address("10.0.0.1"), LOOPBACK_OK) is not None


class TestCheckUrl:
    @pytest.mark.parametrize(
        "url",
        ["https://hooks.example.com/in", "https://1.2.3.4:8443/x?y=1", "https://[2606:4700::1]/",
         "https://in_ternal.example.com./", "https://xn--bcher-kva.example/", "https://bücher.example/"],
    )  # fmt: skip
    def test_https_urls_pass(self, url: str) -> None:
        assert check_url(url, STRICT) == httpx.URL(url)

    def test_http_is_refused_when_https_is_required(self) -> None:
        with pytest.raises(UnsafeUrlError, match="https"):
            check_url("http://hooks.example.com/in", STRICT)

    def test_http_passes_outside_production(self) -> None:
        check_url("http://hooks.example.com/in", LOOPBACK_OK)

    @pytest.mark.parametrize(
        "url",
        ["ftp://example.com/x", "file:///etc/passwd", "https://user:pw@example.com/", "https:///x",
         "/relative", "https://exa mple.com/", "https://-bad.example.com/", "https://a..b/"],
    )  # fmt: skip
    def test_other_forms_are_refused(self, url: str) -> None:
        with pytest.raises(UnsafeUrlError):
            check_url(url, LOOPBACK_OK)


class TestResolveChecked:
    async def test_every_address_is_returned_once_in_order(self) -> None:
        resolver = MappedResolver({"hooks.example.com": ["8.8.8.8", "1.1.1.1", "8.8.8.8"]})
        found = await resolve_checked("hooks.example.com", 443, policy=STRICT, resolver=resolver)
        assert found == [ip_address("8.8.8.8"), ip_address("1.1.1.1")]

    async def test_one_internal_address_refuses_the_host(self) -> None:
        resolver = MappedResolver({"mixed.example.com": ["8.8.8.8", "169.254.169.254"]})
        with pytest.raises(UnsafeUrlError, match="169.254.169.254"):
            await resolve_checked("mixed.example.com", 443, policy=STRICT, resolver=resolver)

    async def test_literal_addresses_skip_the_resolver(self) -> None:
        resolver = MappedResolver({})
        found = await resolve_checked("8.8.4.4", 443, policy=STRICT, resolver=resolver)
        assert found == [ip_address("8.8.4.4")] and resolver.calls == {}

    async def test_literal_internal_address_is_refused(self) -> None:
        with pytest.raises(UnsafeUrlError, match="loopback"):
            await resolve_checked("::1", 443, policy=STRICT, resolver=MappedResolver({}))

    async def test_empty_answer_is_a_resolution_failure(self) -> None:
        resolver = MappedResolver({"void.example.com": []})
        with pytest.raises(OSError):
            await resolve_checked("void.example.com", 443, policy=STRICT, resolver=resolver)
