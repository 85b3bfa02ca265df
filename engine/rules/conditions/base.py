"""What every condition is: settings checked and compiled once, then a cheap per-message test.

A condition is one small class with the key it answers to in a rule's ``when`` table,
the pydantic type of its setting (which gives validation and the JSON Schema), and
``compile``, which turns the checked setting into a ready-to-run instance: regexes
compiled, durations parsed. ``check`` then does only the per-message work.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from email.message import Message
from typing import Any, ClassVar, Self

from introgate.facts import MessageFacts
from introgate.recognition.message_content import decode_words
from introgate.recognition.model import RequestNotification
from introgate.rules.context import LoadContext


class MessageView:
    """One message as the conditions see it: looked up once per evaluation, not per condition."""

    __slots__ = ("_headers", "explain", "facts", "notification", "now")

    def __init__(self, facts: MessageFacts, now: datetime, *, explain: bool = False) -> None:
        self.facts = facts
        self.notification: RequestNotification | None = facts.notification
        self.now = now
        # look at every condition, not only up to the first that fails
        self.explain = explain
        self._headers: dict[str, list[str]] | None = None

    def header_values(self, name: str) -> list[str]:
        """Decoded, unfolded values of one header, looked up once per message for all rules.

        Parsing a header through the email package's registry costs tens of microseconds;
        the raw value needs only unfolding, and decoding when it has encoded words.
        """
        key = name.lower()
        if self._headers is None:
            self._headers = {}
        values = self._headers.get(key)
        if values is None:
            values = self._headers[key] = _decoded_values(self.facts.headers, key)
        return values


def _decoded_values(headers: Message, key: str) -> list[str]:
    try:
        items = headers.raw_items()
        return [decode_words(value) for name, value in items if name.lower() == key]
    except Exception:  # noqa: BLE001 - hostile headers match nothing, they never stop a pass
        return []


class Condition(ABC):
    # the key in a rule's ``when`` table
    key: ClassVar[str]
    # the pydantic type of the value written in the rule file
    setting: ClassVar[Any]
    # one line for the JSON Schema and the docs
    doc: ClassVar[str]
    # may search the mailbox: evaluated after the other conditions of its group
    costly: ClassVar[bool] = False
    # false for every message without a recognised request (lets ordinary mail skip the rule)
    needs_notification: ClassVar[bool] = False

    def __init__(self, expected: Any) -> None:
        # the setting as written, for `explain`
        self.expected = expected

    @classmethod
    @abstractmethod
    def compile(cls, setting: Any, context: LoadContext) -> Self:
        """Build the condition from its validated setting; raise ``ValueError`` to refuse it."""

    @abstractmethod
    def check(self, message: MessageView) -> tuple[Any, bool]:
        """The actual value the condition looked at, and whether it holds.

        Conditions on notification fields return ``(None, False)`` for ordinary mail.
        """

    def admits(self, kind: str | None, network: str | None) -> bool:
        """Whether a request of this kind from this network (None, None: ordinary mail) can
        pass at all. Evaluation skips a rule one of whose conditions admits nothing."""
        return not (self.needs_notification and kind is None)

    def holds(self, message: MessageView) -> bool:
        """Only whether it holds: the hot path of a pass, which never shows the actual value."""
        return self.check(message)[1]

    def __repr__(self) -> str:
        return f"{self.key} = {self.expected!r}"
