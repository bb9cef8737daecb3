"""A payer's deadline policy as stored with each request it receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prior_auth.authorizations.deadlines import DeadlinePolicy


@dataclass(frozen=True, slots=True)
class PayerPolicy:
    """The CMS-0057-F windows, pause rule, warning lead and extension limits of one payer."""

    deadline: DeadlinePolicy
    warn_before_hours: int = 24
    max_extension_days: int = 14
    max_extensions: int = 1

    @property
    def max_extension(self) -> timedelta:
        """The longest one extension may be."""
        return timedelta(days=self.max_extension_days)

    @property
    def warn_before(self) -> timedelta:
        """How long before the due time the scheduler warns."""
        return timedelta(hours=self.warn_before_hours)

    def to_json(self) -> dict[str, Any]:
        """The policy as the JSON kept on each authorization."""
        return {
            "time_zone": self.deadline.time_zone,
            "standard_days": self.deadline.standard_days,
            "expedited_hours": self.deadline.expedited_hours,
            "pause_while_pended": self.deadline.pause_while_pended,
            "warn_before_hours": self.warn_before_hours,
            "max_extension_days": self.max_extension_days,
            "max_extensions": self.max_extensions,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PayerPolicy:
        """Read the policy kept on an authorization."""
        return cls(
            deadline=DeadlinePolicy(
                time_zone=str(data["time_zone"]),
                standard_days=int(data["standard_days"]),
                expedited_hours=int(data["expedited_hours"]),
                pause_while_pended=bool(data["pause_while_pended"]),
            ),
            warn_before_hours=int(data["warn_before_hours"]),
            max_extension_days=int(data.get("max_extension_days", 14)),
            max_extensions=int(data.get("max_extensions", 1)),
        )
