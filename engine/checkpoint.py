"""How far a folder has been read: what a backend's scan returns and the state store keeps."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Checkpoint:
    """How far a folder has been read. Maildir keeps none (its keys are stable names)."""

    uidvalidity: int | None = None
    last_uid: int | None = None
    highest_modseq: int | None = None
