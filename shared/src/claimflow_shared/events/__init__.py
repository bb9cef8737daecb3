"""Event contracts, the CloudEvents envelope and the registry of types."""

from claimflow_shared.events import contracts as contracts
from claimflow_shared.events.base import REGISTRY, Event
from claimflow_shared.events.envelope import Envelope, Headers, MalformedEvent

__all__ = ["REGISTRY", "Envelope", "Event", "Headers", "MalformedEvent", "contracts"]
