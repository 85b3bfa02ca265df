"""Drafted replies asking a requester for a short introduction.

CONTRACT (implemented by the drafts issue; called by the ``draft`` rule action):

    Drafter(settings, store, backend, account, known: KnownPeople)
    Drafter.ensure_draft(facts: MessageFacts, order: DraftOrder, *, dry_run) -> DraftOutcome
        # exactly once per request (Message-ID derived from account + notification),
        # at most once per person within order.once_per_person_days
    Drafter.prepare / store_prepared / record_stored: the same for many requests, their
        drafts stored together

The drafter (templates, recognition, the people index) is loaded when first named, so a
command that only lists drafts (``introgate drafts list``) does not load it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from introgate.drafts.drafter import Drafter, DraftOrder, DraftOutcome, PreparedDraft

__all__ = ["DraftOrder", "DraftOutcome", "Drafter", "PreparedDraft"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("introgate.drafts.drafter"), name)
    raise AttributeError(f"module 'introgate.drafts' has no attribute {name!r}")
