"""The life of a new-code application: which action moves it from which status, and who acts.

The applicant (a submitter of the application's tenant) drafts, submits, answers requests for
information and may withdraw; the panel (ops or admin) reviews, asks for information, approves,
rejects, withdraws and publishes. Approval puts the code in the next release of its category:
Category I codes take effect on the next 1 January, Category III codes on the next 1 January
or 1 July.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    """Where an application stands."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    UNDER_REVIEW = "under_review"
    INFORMATION_REQUESTED = "information_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    PUBLISHED = "published"


class Action(StrEnum):
    """What someone does to an application."""

    CREATE = "create"
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_INFORMATION = "request_information"
    RESPOND = "respond"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"


class Actor(StrEnum):
    """Who may take an action."""

    APPLICANT = "applicant"
    PANEL = "panel"
    EITHER = "either"


class Category(StrEnum):
    """The CPT category a new code is requested in."""

    I = "I"  # noqa: E741
    III = "III"


@dataclass(frozen=True, slots=True)
class Transition:
    """The statuses an action applies to, the status it leads to, and who may take it."""

    sources: frozenset[Status]
    target: Status
    actor: Actor
    needs_reason: bool = False


OPEN = frozenset(
    {Status.DRAFT, Status.SCHEDULED, Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED}
)
TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({Status.DRAFT}), Status.SCHEDULED, Actor.APPLICANT),
    Action.START_REVIEW: Transition(
        frozenset({Status.SCHEDULED}), Status.UNDER_REVIEW, Actor.PANEL
    ),
    Action.REQUEST_INFORMATION: Transition(
        frozenset({Status.UNDER_REVIEW}), Status.INFORMATION_REQUESTED, Actor.PANEL, True
    ),
    Action.RESPOND: Transition(
        frozenset({Status.INFORMATION_REQUESTED}), Status.SCHEDULED, Actor.APPLICANT
    ),
    Action.APPROVE: Transition(frozenset({Status.UNDER_REVIEW}), Status.APPROVED, Actor.PANEL),
    Action.REJECT: Transition(frozenset({Status.UNDER_REVIEW}), Status.REJECTED, Actor.PANEL, True),
    Action.WITHDRAW: Transition(OPEN, Status.WITHDRAWN, Actor.EITHER, True),
    Action.PUBLISH: Transition(frozenset({Status.APPROVED}), Status.PUBLISHED, Actor.PANEL),
}
EDITABLE = frozenset({Status.DRAFT, Status.INFORMATION_REQUESTED})
SCHEDULING = frozenset({Action.SUBMIT, Action.RESPOND})


class TransitionRefused(ValueError):
    """The action does not apply to the application's status."""

    def __init__(self, action: Action, status: Status) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[action].sources))
        super().__init__(
            f"cannot {action.value.replace('_', ' ')} an application that is {status.value} "
            f"(only one that is {allowed})"
        )
        self.action = action
        self.status = status


def next_status(action: Action, status: Status) -> Status:
    """The status an action leads to, or raise naming the status it cannot apply to."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise TransitionRefused(action, status)
    return transition.target


def release_effective_date(category: Category, on: date) -> date:
    """The first day of the next release the category's codes join after ``on``."""
    next_january = date(on.year + 1, 1, 1)
    if category is Category.I:
        return next_january
    july = date(on.year, 7, 1)
    return july if on < july else next_january
