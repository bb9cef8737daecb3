"""Every table of the service on one metadata (for the definition and the migrations)."""

from notifications.base import Base
from notifications.delivery.models import Delivery, DeliveryAttempt
from notifications.subscriptions.models import Subscription

__all__ = ["Base", "Delivery", "DeliveryAttempt", "Subscription"]
