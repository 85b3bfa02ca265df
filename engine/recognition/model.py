"""What recognition finds in one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from introgate.recognition.network import Reading

RequestKind = Literal["connection_request", "friend_request", "follow_request", "follow"]
# a network file may also describe its message notifications ("X sent you a message"):
# not requests, but how a stranger introduces themselves after one
NotificationKind = Literal[
    "connection_request", "friend_request", "follow_request", "follow", "message"
]
MESSAGE: NotificationKind = "message"


class Requester(BaseModel):
    # "" when the mail shows no usable name (see ``RequestNotification.unnamed``): such a
    # requester is recorded and answered, but never greeted by name
    name: str
    profile_url: str | None = None
    handle: str | None = None

    @property
    def shown(self) -> str:
        """How a log line or a list names the requester: the name, else the handle or
        the profile link (a requester without a name always has one of them)."""
        if self.name:
            return self.name
        if self.handle:
            return f"@{self.handle.lstrip('@')} (no name)"
        return f"{self.profile_url or 'unknown'} (no name)"


class RequestNotification(BaseModel):
    """One contact request as the network announced it (or, with kind "message", one
    message; its ``note`` is the preview of the message the mail shows)."""

    network: str
    # the network file's ``label`` ("X/Twitter"), for drafts; not part of what was recognised
    # in the mail, so left out of dumps. None: made without a network file (the id is shown)
    network_label: str | None = Field(default=None, exclude=True)
    kind: NotificationKind
    requester: Requester
    note: str | None = None
    language: str | None = None
    mutual_connections: int | None = None
    authenticated: bool | None = None
    # where the user can answer on the network when no address is known (profile or message link)
    reply_link: str | None = None
    # the notification's own Date header, for templates and older_than/newer_than
    date: datetime | None = None
    # why the name or note may not have been read intact (the message is cut short,
    # undecodable, ...): such a request is recorded but never drafted
    damage: str | None = Field(default=None, exclude=True)
    # why the requester has no name: the mail showed none, or only a placeholder ("???",
    # an address, a URL) that must not be greeted
    unnamed: str | None = Field(default=None, exclude=True)


@dataclass
class Recognition:
    """The result for one message: ``notification`` is the first request, ``requests`` all.

    ``defect`` says what is wrong with the message, whether or not requests could still be
    read from it (each request's ``damage`` says whether it may be drafted); the pipeline
    records it and logs it as a warning.
    """

    message_id: str | None
    requests: list[RequestNotification] = field(default_factory=list)
    defect: str | None = None  # every defect found, "; "-separated
    # what message notifications ("X sent you a message") say about their writer: never a
    # request, so the request rules never see them (the introductions step does)
    messages: list[RequestNotification] = field(default_factory=list)
    # whose mail it is and what its network file's signals say of it; None: no network's
    reading: Reading | None = None

    @property
    def notification(self) -> RequestNotification | None:
        return self.requests[0] if self.requests else None
