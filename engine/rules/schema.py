"""The pydantic models of a rule file, built from the condition and action registries.

Each condition and action brings the type of its own setting, so adding one to its
registry tuple is all it takes for the file checker and the JSON Schema to know it.
Validating a ``when`` table compiles its conditions (the validated value of
``note_matches`` is a ready ``NoteMatches`` with its regex compiled); the
``LoadContext`` travels as pydantic's validation context.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from introgate.near_miss import keys_at
from introgate.rules import actions, conditions
from introgate.rules.actions import Action
from introgate.rules.conditions import SettingCondition
from introgate.rules.conditions.network import Network

ANY = "any"
NOT = "not"
CONTINUE = "continue"
NO_ACTIONS = (
    "the rule would do nothing and stop every later rule for the mail it matches; "
    'add an action, e.g. then = { label = "mine" }'
)
_STRICT = ConfigDict(extra="forbid", strict=True)


class _WhenBase(BaseModel):
    model_config = _STRICT

    @model_validator(mode="after")
    def _not_empty(self) -> _WhenBase:
        if not self.model_fields_set:
            # an empty table would match every message, which is never what was meant
            raise ValueError("needs at least one condition")
        return self


class _ThenBase(BaseModel):
    model_config = _STRICT

    @model_validator(mode="after")
    def _some_action(self) -> _ThenBase:
        if not any(getattr(self, kind.key, None) for kind in actions.ALL):
            # the first matching rule ends evaluation: one that does nothing would hide the
            # message from every rule after it (the shipped ones too)
            raise ValueError(f"no action: {NO_ACTIONS}")
        return self

    @model_validator(mode="after")
    def _one_move(self) -> _ThenBase:
        moving = [kind.key for kind in actions.ALL if kind.moves and getattr(self, kind.key, None)]
        if len(moving) > 1:
            both = "both" if len(moving) == 2 else "all"
            raise ValueError(f"{' and '.join(moving)} {both} move the message: keep one")
        return self


class _RuleBase(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)

    name: Annotated[str, Field(min_length=1, description="Unique among all rule files.")]
    description: str = Field(default="", description="What the rule is for, in words.")
    enabled: bool = Field(default=True, description="false keeps the rule but never runs it.")
    continue_: bool = Field(
        default=False,
        alias=CONTINUE,
        description="Go on to the next rules after this one matched (default: stop here).",
    )


def _compiled(kind: type[SettingCondition] | type[Action]) -> Any:
    """The setting's type, whose validated value is compiled: a condition, or actions."""
    return Annotated[kind.setting, AfterValidator(kind.compile)]


def models() -> tuple[type[BaseModel], type[BaseModel], type[BaseModel]]:
    """(When, Then, Rule) for the conditions and actions registered now."""
    return _models(conditions.ALL, actions.ALL)


@functools.cache
def _models(
    condition_kinds: tuple[type[SettingCondition], ...], action_kinds: tuple[type[Action], ...]
) -> tuple[type[BaseModel], type[BaseModel], type[BaseModel]]:
    """Built once per registry (in practice: once, on first use)."""
    when_fields: dict[str, Any] = {
        kind.key: (_compiled(kind) | None, Field(default=None, description=kind.doc))
        for kind in condition_kinds
    }
    when_fields[ANY] = (
        "list[When] | None",
        Field(default=None, min_length=1, description="At least one of these tables holds."),
    )
    when_fields["not_"] = (
        "When | None",
        Field(default=None, alias=NOT, description="Not all of these conditions hold."),
    )
    when = create_model("When", __base__=_WhenBase, **when_fields)
    when.model_rebuild(_types_namespace={"When": when})

    then_fields: dict[str, Any] = {
        kind.key: (_compiled(kind) | None, Field(default=None, description=kind.doc))
        for kind in action_kinds
    }
    then_fields["continue_"] = (
        bool,
        Field(default=False, alias=CONTINUE, description="Same as the rule's continue."),
    )
    then = create_model("Then", __base__=_ThenBase, **then_fields)

    rule = create_model(
        "Rule",
        __base__=_RuleBase,
        when=(when, Field(description="Conditions; all must hold.")),
        then=(then, Field(description="Actions (at least one), run in a safe order.")),
    )
    return when, then, rule


def allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The keys the table at ``loc`` (inside one rule) may have, for "did you mean"."""
    return keys_at(models()[2], loc)


def rules_json_schema(networks: Collection[str] = ()) -> dict[str, Any]:
    """The JSON Schema of a rule file, for editor completion (`introgate schema rules`).

    ``networks``: the network names the ``network`` condition accepts (the network files
    the configuration reads, the user's own included); none given, any name is allowed.
    """
    rule = models()[2]
    rule_file = create_model(
        "RuleFile",
        __config__=ConfigDict(extra="forbid", title="introgate rule file"),
        rule=(list[rule], Field(default_factory=list, description="One [[rule]] table each.")),  # type: ignore[valid-type]
    )
    schema = rule_file.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if networks:
        _only(schema["$defs"]["When"]["properties"][Network.key], sorted(networks))
    return schema


def _only(node: Any, names: list[str]) -> None:
    """Every text the subschema ``node`` accepts becomes one of ``names``."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            node["enum"] = names
        for value in node.values():
            _only(value, names)
    elif isinstance(node, list):
        for value in node:
            _only(value, names)
