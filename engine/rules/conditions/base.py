"""What every condition is: settings checked and compiled once, then a cheap per-message test.

``Condition`` is the contract evaluation relies on, kept by single conditions and by the
groups of ``combine``. A single condition is one small ``SettingCondition`` class with
the key it answers to in a rule's ``when`` table, the pydantic type of its setting (which
gives validation and the JSON Schema), and ``compile``, which turns the checked setting
into a ready-to-run instance: regexes compiled, durations parsed. ``check`` then does
only the per-message work.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self

from typing_extensions import override

from introgate.facts import MessageFacts
from introgate.header_block import HeaderFields
from introgate.recognition.message_content import decode_words
from introgate.recognition.model import RequestNotification


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


def _decoded_values(headers: HeaderFields, key: str) -> list[str]:
    try:
        items = headers.raw_items()
        return [decode_words(value) for name, value in items if name.lower() == key]
    except Exception:  # noqa: BLE001 - hostile headers match nothing, they never stop a pass
        return []


class Condition(Protocol):
    """Anything a ``when`` table holds: one condition, or a group of them (``any``, ``not``).

    Evaluation and `explain` see only this. Every member subclasses it explicitly, so
    mypy checks each one against it; nothing is told apart by its attributes.
    """

    # the key in the ``when`` table
    key: ClassVar[str]
    # the setting as written in the rule file, for `explain`
    expected: Any
    # may search the mailbox: evaluated after the other conditions of its group
    costly: bool

    def check(self, message: MessageView) -> tuple[Any, bool]:
        """The actual value the condition looked at, and whether it holds.

        Conditions on notification fields return ``(None, False)`` for ordinary mail.
        """
        ...

    def holds(self, message: MessageView) -> bool:
        """Only whether it holds: the hot path of a pass, which never shows the actual value."""
        ...

    def admits(self, kind: str | None, network: str | None) -> bool:
        """Whether a request of this kind from this network (None, None: ordinary mail) can
        pass at all. Evaluation skips a rule one of whose conditions admits nothing."""
        ...


class SettingCondition(Condition, ABC):
    """One condition a rule's ``when`` table names by its key, compiled from its setting.

    The registry (``conditions.ALL``) lists these classes; the rule file's schema is built
    from their ``key``, ``setting`` and ``doc``.
    """

    # the pydantic type of the value written in the rule file
    setting: ClassVar[Any]
    # one line for the JSON Schema and the docs
    doc: ClassVar[str]
    costly: bool = False
    # false for every message without a recognised request (lets ordinary mail skip the rule)
    needs_notification: ClassVar[bool] = False

    def __init__(self, expected: Any) -> None:
        self.expected = expected

    @classmethod
    @abstractmethod
    def compile(cls, setting: Any) -> Self:
        """Build the condition from its validated setting; raise ``ValueError`` to refuse it.

        Everything that does not depend on the message happens here (regexes compiled,
        durations parsed), once per rule file load. Checks that need the configuration
        (known networks, templates) belong in the setting's validators, which get the
        ``LoadContext``.
        """

    @abstractmethod
    @override
    def check(self, message: MessageView) -> tuple[Any, bool]: ...

    @override
    def holds(self, message: MessageView) -> bool:
        return self.check(message)[1]

    @override
    def admits(self, kind: str | None, network: str | None) -> bool:
        return not (self.needs_notification and kind is None)

    def __repr__(self) -> str:
        return f"{self.key} = {self.expected!r}"


class AtLeastCondition(SettingCondition, ABC):
    """``<key> = N``: a count taken from the request is at least N; false without a count."""

    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        self.minimum = expected

    @classmethod
    def compile(cls, setting: int) -> Self:
        return cls(setting)

    @abstractmethod
    def count(self, message: MessageView) -> int | None:
        """The number compared with the minimum; None when the message does not say."""

    @override
    def check(self, message: MessageView) -> tuple[Any, bool]:
        counted = self.count(message)
        return counted, counted is not None and counted >= self.minimum
