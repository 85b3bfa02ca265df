"""``withdraw_draft = true``: the question drafted for this request goes to Trash, unsent.

Used when the person introduced themselves before the user sent the question. A draft
already sent (or being sent) is never touched; the draft is moved, never deleted, and the
drafts ledger records it as withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from introgate.backends.base import FolderRole
from introgate.drafts.compose import REQUEST_HEADER
from introgate.mail import MessageRef
from introgate.rules.actions.base import Action, ActionContext, ActionOutcome, FixedAction
from introgate.state import DraftStatus


@dataclass(frozen=True)
class WithdrawDraft(FixedAction):
    key: ClassVar[str] = "withdraw_draft"
    type: ClassVar[str] = "withdraw_draft"
    stage: ClassVar[int] = 60
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = (
        "Move the unsent question drafted for this request to Trash (never one already sent)."
    )

    @classmethod
    def compile(cls, setting: bool) -> list[Action]:
        return [cls()] if setting else []

    def describe(self) -> dict[str, Any]:
        return {"type": "withdraw_draft"}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        lifecycle = ctx.facts.lifecycle
        record = lifecycle.record if lifecycle else None
        draft = ctx.store.drafts.get(record.draft_id) if record and record.draft_id else None
        if draft is None:
            return ActionOutcome(self.type, "no draft to withdraw", False)
        detail = {"type": self.type, "draft_id": draft.draft_id}
        if draft.status == DraftStatus.WITHDRAWN:
            return ActionOutcome(self.type, "draft already withdrawn", False, detail)
        # a sent (or sending) draft is never touched; "dismissed" is what following drafts
        # records for a draft a crash left in Trash after the move, before the ledger update
        if draft.status not in (DraftStatus.DRAFTED, DraftStatus.DISMISSED):
            return ActionOutcome(
                self.type, f"draft not withdrawn: it is {draft.status.value}", False, detail
            )
        backend = ctx.backend
        in_drafts = _find(ctx, FolderRole.DRAFTS, draft.draft_id, draft.request_id)
        if not in_drafts:
            if _find(ctx, FolderRole.SENT, draft.draft_id, draft.request_id):
                # sent from the mail client since drafts were last followed: never withdrawn
                if not ctx.dry_run:
                    ctx.store.drafts.set_status(draft.draft_id, DraftStatus.SENT)
                return ActionOutcome(self.type, "draft not withdrawn: it was sent", False, detail)
            if not _find(ctx, FolderRole.TRASH, draft.draft_id, draft.request_id):
                # the user discarded it themselves (or it is gone): nothing of ours to record
                return ActionOutcome(self.type, "no draft left to withdraw", False, detail)
        if ctx.dry_run:
            return ActionOutcome(self.type, "would withdraw the draft to Trash", False, detail)
        for ref in in_drafts:
            backend.remove_draft(ref)  # to Trash, never deleted
        # a crash before this line leaves the draft in Trash: the rerun finds it there
        ctx.store.drafts.set_status(draft.draft_id, DraftStatus.WITHDRAWN)
        return ActionOutcome(self.type, "draft withdrawn to Trash", True, detail)


def _find(ctx: ActionContext, role: FolderRole, draft_id: str, request_id: str) -> list[MessageRef]:
    """The draft in the folder of ``role``, by its Message-ID or the request header it keeps."""
    folder = ctx.backend.folder_for(role)
    found = ctx.backend.find_by_message_id(folder, draft_id)
    return found or ctx.backend.find_by_header(folder, REQUEST_HEADER, request_id)
