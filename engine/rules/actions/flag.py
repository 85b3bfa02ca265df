"""``flag = true``: mark the message important (``\\Flagged``), so the user sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from introgate.mail import FLAGGED
from introgate.rules.actions.base import SystemFlagAction


@dataclass(frozen=True)
class Flag(SystemFlagAction):
    key: ClassVar[str] = "flag"
    type: ClassVar[str] = "flag"
    doc: ClassVar[str] = "Flag the message (\\Flagged)."
    system_flag: ClassVar[str] = FLAGGED
    done: ClassVar[str] = "flagged"
    would: ClassVar[str] = "would flag"
