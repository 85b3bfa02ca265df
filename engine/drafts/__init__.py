"""Drafted replies asking a requester for a short introduction.

CONTRACT (implemented by the drafts issue; called by the ``draft`` rule action):

    Drafter(settings, store, backend, account, known: KnownPeople)
    Drafter.ensure_draft(facts: MessageFacts, order: DraftOrder, *, dry_run) -> DraftOutcome
        # exactly once per request (Message-ID derived from account + notification),
        # at most once per person within order.once_per_person_days
"""

from introgate.drafts.drafter import Drafter, DraftOrder, DraftOutcome

__all__ = ["DraftOrder", "DraftOutcome", "Drafter"]
