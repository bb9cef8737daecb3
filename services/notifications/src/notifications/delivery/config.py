"""The knobs of webhook sending; the service's settings build one of these."""

from __future__ import annotations

from dataclasses import dataclass

from notifications.delivery.url_safety import IPNetwork, UrlPolicy

DEFAULT_RESPONSE_BODY_LIMIT = 4096
DEFAULT_ATTEMPT_DEADLINE = 30.0


@dataclass(frozen=True, slots=True)
class DeliveryConfig:
    """Timeouts, response limits, concurrency bounds and URL policy for sending webhooks.

    ``attempt_deadline`` bounds a whole attempt (connect, send, and reading the kept part of the
    body), so a receiver that trickles bytes cannot stretch an attempt past it. Idle keep-alive
    connections are dropped after ``keepalive_expiry``, below the 5 s idle timeout of common
    servers (Node.js), so a connection is rarely reused just as the receiver closes it.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    write_timeout: float = 15.0
    pool_timeout: float = 10.0
    attempt_deadline: float = DEFAULT_ATTEMPT_DEADLINE
    response_body_limit: int = DEFAULT_RESPONSE_BODY_LIMIT
    max_concurrency: int = 256
    per_subscription_concurrency: int = 8
    per_host_concurrency: int = 64
    keepalive_expiry: float = 4.0
    require_https: bool = True
    allowed_networks: tuple[IPNetwork, ...] = ()

    @property
    def url_policy(self) -> UrlPolicy:
        """The URL policy these settings describe."""
        return UrlPolicy(require_https=self.require_https, allowed_networks=self.allowed_networks)
