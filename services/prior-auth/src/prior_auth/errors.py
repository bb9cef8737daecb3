"""The domain's refusals as the API's problem documents: 409 for the state, 422 for the payload."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from claimflow_shared.errors import Conflict, ValidationFailed
from prior_auth.authorizations.status import (
    AuthorizationValidationError,
    InvalidTransitionError,
)
from prior_auth.requirements.matching import InvalidCodeRangeError


@contextmanager
def domain_errors(*, code_field: str = "code") -> Iterator[None]:
    """Raise the domain's refusals as Conflict (naming the current status) or ValidationFailed."""
    try:
        yield
    except InvalidTransitionError as error:
        raise Conflict(
            str(error),
            current_status=error.current.value,
            action=error.trigger.value,
        ) from None
    except AuthorizationValidationError as error:
        raise ValidationFailed(str(error), field=error.field) from None
    except InvalidCodeRangeError as error:
        raise ValidationFailed(f"{code_field}: {error}", field=code_field) from None
