"""Every table of the code-catalog service, so its metadata is complete wherever it is used."""

from code_catalog.applications.models import (
    ApplicationEvent,
    CodeApplication,
    CustomCodeMapping,
    PanelMeeting,
)
from code_catalog.base import Base
from code_catalog.codes.models import Code
from code_catalog.edits.models import AddOnRule, MueLimit, PtpPair
from code_catalog.fees.models import FeeScheduleEntry, PracticeLocality
from code_catalog.releases.models import Release, ReleaseChange

__all__ = [
    "AddOnRule",
    "ApplicationEvent",
    "Base",
    "Code",
    "CodeApplication",
    "CustomCodeMapping",
    "FeeScheduleEntry",
    "MueLimit",
    "PanelMeeting",
    "PracticeLocality",
    "PtpPair",
    "Release",
    "ReleaseChange",
]
