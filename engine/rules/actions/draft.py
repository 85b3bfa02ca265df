"""``draft = { template = "ask-intro", language = "auto", once_per_person_days = 30 }``.

Asks the drafts part for a reply draft; ``draft = true`` takes every default. The
template must exist for each language the draft may be written in, checked at load.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from introgate.drafts import DraftOrder, DraftOutcome, PreparedDraft
from introgate.errors import ConnectionLost
from introgate.rules.actions.base import Action, ActionContext, ActionOutcome
from introgate.rules.conditions.base import MessageView
from introgate.rules.context import LoadContext

log = logging.getLogger("introgate.rules")
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]+")
_LANGUAGE = re.compile(r"auto|[a-z]{2}")


class DraftSetting(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    _languages: tuple[str, ...] = PrivateAttr(default=())

    language: str = Field(
        default="auto",
        description=(
            "auto: the notification's language if the template exists in it, else the "
            "default language; or a two-letter code such as de, en, fr."
        ),
        json_schema_extra={"pattern": "^(auto|[a-z]{2})$"},
    )
    template: str = Field(
        default="ask-intro",
        validate_default=True,
        description="Template name: <template>.<language>.txt.j2 in the templates folder.",
    )
    once_per_person_days: int = Field(
        default=30,
        ge=0,
        description="Ask the same person at most once in this many days; 0 = no limit.",
    )

    @field_validator("language")
    @classmethod
    def _language_code(cls, value: str) -> str:
        if _LANGUAGE.fullmatch(value) is None:
            raise ValueError(f'"{value}" is not "auto" or a two-letter language code such as "fr"')
        return value

    @field_validator("template")
    @classmethod
    def _template_exists(cls, value: str, info: ValidationInfo) -> str:
        if _TEMPLATE_NAME.fullmatch(value) is None:
            raise ValueError(f'"{value}" is not a template name (letters, digits, - and _)')
        context = info.context
        if isinstance(context, LoadContext):
            language = info.data.get("language", "auto")
            # auto falls back to the default language: that one must exist
            languages = (context.default_language if language == "auto" else language,)
            problem = context.template_problem(value, languages)
            if problem:
                raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _find_languages(self, info: ValidationInfo) -> DraftSetting:
        if isinstance(info.context, LoadContext):
            self._languages = info.context.template_languages(self.template)
        return self

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the template exists in (``ask-intro.fr.txt.j2``: fr), found at load."""
        return self._languages


def _draft_shorthand(value: Any) -> Any:
    if value is True:
        return {}
    if value is False:
        return None
    if isinstance(value, dict):
        return value
    raise ValueError(
        f'expected true or a table such as {{ template = "ask-intro" }}, got {value!r}'
    )


@dataclass(frozen=True)
class Draft(Action):
    key: ClassVar[str] = "draft"
    type: ClassVar[str] = "draft"
    stage: ClassVar[int] = 50
    per_request: ClassVar[bool] = True
    setting: ClassVar[Any] = Annotated[
        DraftSetting | None,
        BeforeValidator(_draft_shorthand, json_schema_input_type=bool | DraftSetting),
    ]
    doc: ClassVar[str] = "Draft a reply asking for an introduction (true takes the defaults)."

    template: str
    language: str
    once_per_person_days: int | None
    # the languages the template exists in, found at load: ``auto`` picks among them
    languages: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def compile(cls, setting: DraftSetting | None) -> list[Action]:
        if setting is None:
            return []
        days = setting.once_per_person_days or None
        return [cls(setting.template, setting.language, days, setting.languages)]

    def plan(self, message: MessageView, default_language: str) -> Action:
        if self.language != "auto":
            return self
        notification = message.notification
        spoken = notification.language if notification is not None else None
        language = spoken if spoken in self.languages else default_language
        return Draft(self.template, language, self.once_per_person_days, self.languages)

    def describe(self) -> dict[str, Any]:
        return {"type": "draft", "template": self.template, "language": self.language}

    def apply_many(self, contexts: Sequence[ActionContext]) -> list[ActionOutcome | Exception]:
        """The drafts of several requests: prepared one by one (each all or nothing), stored
        together (one MULTIAPPEND where the server has it), then recorded one by one.

        A crash after storing and before recording leaves drafts the ledger does not know;
        the next pass finds them by their Message-ID and records them instead.
        """
        if not contexts:
            return []
        drafter = contexts[0].drafter
        if any(ctx.drafter is not drafter for ctx in contexts):
            return super().apply_many(contexts)
        try:
            drafter.look_up([ctx.facts for ctx in contexts])
        except ConnectionLost:
            raise
        except Exception:  # each draft then looks for itself, and says why
            log.debug("looking up %d drafts at once failed", len(contexts), exc_info=True)
        prepared: list[ActionOutcome | Exception | PreparedDraft] = []
        for ctx in contexts:
            try:
                with nullcontext() if ctx.dry_run else ctx.store.transaction():
                    prepared.append(self._prepare(ctx))
            except ConnectionLost:
                raise
            except Exception as exc:  # noqa: BLE001 - the failure belongs to this request alone
                prepared.append(exc)
        to_store = [one for one in prepared if isinstance(one, PreparedDraft)]
        failures = drafter.store_prepared(to_store) if to_store else {}
        refused = {id(to_store[position]): exc for position, exc in failures.items()}
        results: list[ActionOutcome | Exception] = []
        for ctx, one in zip(contexts, prepared, strict=True):
            if not isinstance(one, PreparedDraft):
                results.append(one)
            elif id(one) in refused:
                results.append(refused[id(one)])
            else:
                try:
                    with ctx.store.transaction():
                        results.append(self._result(drafter.record_stored(one)))
                except Exception as exc:  # noqa: BLE001 - found by its Message-ID next time
                    results.append(exc)
        return results

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        prepared = self._prepare(ctx)
        if not isinstance(prepared, PreparedDraft):
            return prepared
        failures = ctx.drafter.store_prepared([prepared])
        if failures:
            raise failures[0]
        return self._result(ctx.drafter.record_stored(prepared))

    def _prepare(self, ctx: ActionContext) -> ActionOutcome | PreparedDraft:
        notification = ctx.facts.notification
        if notification is not None and notification.damage:
            # the name or note may be cut short or garbled: a reply built on it could be wrong
            return ActionOutcome(
                "draft",
                f"no draft: message damaged: {notification.damage}",
                False,
                self.describe() | {"status": "damaged", "damage": notification.damage},
            )
        language = (
            ctx.settings.identity.default_language if self.language == "auto" else self.language
        )
        order = DraftOrder(
            template=self.template,
            language=language,
            once_per_person_days=self.once_per_person_days,
        )
        prepared = ctx.drafter.prepare(ctx.facts, order, dry_run=ctx.dry_run)
        return prepared if isinstance(prepared, PreparedDraft) else self._result(prepared)

    def _result(self, outcome: DraftOutcome) -> ActionOutcome:
        short = outcome.short_id or (outcome.draft_id or "").strip("<>")[:10]
        summaries = {
            "created": f"draft {short}…",
            "exists": f"draft {short}… exists",
            "would_create": "would draft",
        }
        detail = self.describe() | {"status": outcome.status, "draft_id": outcome.draft_id}
        if outcome.detail:
            detail["detail"] = outcome.detail
        return ActionOutcome(
            "draft",
            summaries.get(outcome.status)
            or f"no draft: {outcome.reason or outcome.status.replace('_', ' ')}",
            outcome.status == "created",
            detail,
        )
