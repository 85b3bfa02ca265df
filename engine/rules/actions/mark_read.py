"""``mark_read = true``: mark the message read (``\\Seen``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from introgate.mail import SEEN
from introgate.rules.actions.base import SystemFlagAction


@dataclass(frozen=True)
class MarkRead(SystemFlagAction):
    key: ClassVar[str] = "mark_read"
    type: ClassVar[str] = "mark_read"
    doc: ClassVar[str] = "Mark the message read (\\Seen)."
    system_flag: ClassVar[str] = SEEN
    done: ClassVar[str] = "marked read"
    would: ClassVar[str] = "would mark read"
