"""Reading rule files: every problem in every file at once, each pointing at its place.

A problem reads ``FILE:LINE:COL: rule "NAME": FIELD: MESSAGE`` so an editor can jump
to it, with "did you mean" for misspelt keys and values. Nothing is half-loaded: when
any file has a problem, ``load_rules`` raises and the caller keeps what it had.
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from introgate.config import Account, Settings
from introgate.errors import FileProblem, FileProblems
from introgate.recognition.registry import NetworkRegistry
from introgate.resources import shipped_rules_dir, shipped_templates_dir
from introgate.rules import actions, conditions
from introgate.rules.actions import Action
from introgate.rules.conditions import Condition
from introgate.rules.conditions.combine import AnyOf, NotAll, order_conditions
from introgate.rules.context import LoadContext, did_you_mean
from introgate.rules.evaluate import CompiledRule, RuleSet
from introgate.rules.schema import ANY, CONTINUE, NO_ACTIONS, NOT, allowed_keys, models
from introgate.toml_locate import KeyPath, Position, TomlPositions, locate, syntax_error_place

RULE = "rule"


class RuleFileErrors(FileProblems):
    """Rule files that do not check; ``problems`` has every problem, each at its place."""


# -- which files ----------------------------------------------------------------------


def rule_files(settings: Settings) -> tuple[list[Path], list[FileProblem]]:
    """The rule files to read, in name order, and the configured paths that do not exist.

    Shipped and configured files are sorted together by file name, so a user's
    ``10-vip.toml`` runs before the shipped ``default.toml`` and ``zz-late.toml`` after it.
    """
    found: list[Path] = []
    problems: list[FileProblem] = []
    if settings.rules.use_shipped:
        found.extend(_toml_files_in(shipped_rules_dir()))
    for path in settings.rules.paths:
        if path.is_dir():
            found.extend(_toml_files_in(path))
        elif path.is_file():
            found.append(path)
        else:
            where = f" (in {settings.config_path})" if settings.config_path else ""
            problems.append(
                FileProblem(path, None, None, "", f"rule file or folder not found{where}")
            )
    unique = {path.resolve(): path for path in found}
    files = sorted(unique.values(), key=lambda path: (path.name, str(path)))
    return files, problems


def _toml_files_in(folder: Path) -> list[Path]:
    return [path for path in folder.glob("*.toml") if path.is_file()]


def load_context(settings: Settings, networks: NetworkRegistry | None = None) -> LoadContext:
    """What rules are checked against; ``networks``: the registry recognition loaded (read
    here when the caller has none, its broken files left to recognition to report)."""
    template_dirs: list[Path] = []
    if settings.templates.path is not None:
        template_dirs.append(settings.templates.path)
    with contextlib.suppress(FileNotFoundError):
        template_dirs.append(shipped_templates_dir())
    if networks is None:
        networks, _ = NetworkRegistry.read(settings)
    return LoadContext(
        default_language=settings.identity.default_language,
        networks=networks.ids(),
        template_dirs=tuple(template_dirs),
    )


# -- reading one file -----------------------------------------------------------------


@dataclass
class LoadedFile:
    path: Path
    rules: list[CompiledRule]
    positions: TomlPositions
    # (rule, position of its name) for the duplicate check
    names: list[tuple[str, Position]]


def read_rule_file(path: Path, context: LoadContext) -> tuple[LoadedFile | None, list[FileProblem]]:
    """One file's rules, or its problems (all of them)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [FileProblem(path, 1, 1, "", f"cannot read: {exc}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column, message = syntax_error_place(text, exc)
        return None, [FileProblem(path, line, column, "", message)]
    positions = locate(text)
    problems: list[FileProblem] = []
    for key in data:
        if key != RULE:
            at = positions.key((key,))
            problems.append(_at(path, at, key, f"unknown key{did_you_mean(key, [RULE])}"))
    tables = data.get(RULE, [])
    if not isinstance(tables, list):
        at = positions.value((RULE,))
        problems.append(_at(path, at, RULE, f"expected [[rule]] tables, got {_shown(tables)}"))
        return None, sorted(problems, key=_place)
    loaded = LoadedFile(path, [], positions, [])
    _, _, rule_model = models()
    for index, raw in enumerate(tables):
        label = _rule_label(raw, index)
        at_rule = positions.value((RULE, index))
        if not isinstance(raw, dict):
            problems.append(_at(path, at_rule, f"rule {label}", "expected a [[rule]] table"))
            continue
        if isinstance(raw.get("name"), str) and raw["name"]:
            # even a rule with other problems must not share its name
            loaded.names.append((raw["name"], positions.value((RULE, index, "name"))))
        try:
            model = rule_model.model_validate(raw, context=context)
        except ValidationError as exc:
            problems.extend(
                _validation_problem(path, positions, index, label, error) for error in exc.errors()
            )
            continue
        loaded.rules.append(_compile_rule(path, index, at_rule.line, model, raw))
    return loaded, sorted(problems, key=_place)


def _place(problem: FileProblem) -> tuple[int, int]:
    return problem.order


def _at(path: Path, at: Position, key: str, message: str) -> FileProblem:
    return FileProblem(path, at.line, at.column, key, message)


def _rule_label(raw: Any, index: int) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return (
        json.dumps(name, ensure_ascii=False) if isinstance(name, str) and name else f"#{index + 1}"
    )


def _compile_rule(
    path: Path, index: int, line: int, model: Any, raw: dict[str, Any]
) -> CompiledRule:
    then_raw = raw.get("then", {})
    planned: list[Action] = []
    for key in then_raw:
        value = getattr(model.then, key, None)
        if isinstance(value, list):
            planned.extend(value)
    return CompiledRule(
        name=model.name,
        file=path,
        index=index,
        line=line,
        conditions=_compile_group(model.when, raw["when"]),
        actions=tuple(planned),
        continue_=bool(model.continue_ or model.then.continue_),
        enabled=model.enabled,
        description=model.description,
    )


def _compile_group(model: BaseModel, raw: dict[str, Any]) -> tuple[Condition, ...]:
    """The validated conditions in the order the file wrote them, costly ones last."""
    compiled: list[Condition] = []
    for key, setting in raw.items():
        if key == ANY:
            groups = [
                _compile_group(alternative, alternative_raw)
                for alternative, alternative_raw in zip(getattr(model, ANY), setting, strict=True)
            ]
            compiled.append(AnyOf(setting, groups))
        elif key == NOT:
            compiled.append(NotAll(setting, _compile_group(model.not_, setting)))  # type: ignore[attr-defined]
        else:
            compiled.append(getattr(model, key))
    return order_conditions(compiled)


# -- problems -------------------------------------------------------------------------


def _validation_problem(
    path: Path,
    positions: TomlPositions,
    index: int,
    label: str,
    error: Any,
) -> FileProblem:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    full: KeyPath = (RULE, index, *loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        at = positions.key(full)
        message = "unknown key" + _key_hint(loc)
    elif kind == "missing":
        at = positions.key(full[:-1]) if len(full) > 2 else positions.value(full[:2])
        message = f"missing: {NO_ACTIONS}" if loc == ("then",) else "missing (required)"
    else:
        at = positions.value(full)
        message = _message(error)
    field = _dotted(loc) or "(rule)"
    return _at(path, at, f"rule {label}: {field}", message)


def _key_hint(loc: tuple[str | int, ...]) -> str:
    key = str(loc[-1])
    hint = did_you_mean(key, allowed_keys(loc[:-1]))
    if hint:
        return hint
    parent = next((part for part in reversed(loc[:-1]) if isinstance(part, str)), None)
    if parent in ("when", ANY, NOT) and key in {kind.key for kind in actions.ALL} | {CONTINUE}:
        return f" ({key} is an action: it belongs in then)"
    if parent == "then" and key in {kind.key for kind in conditions.ALL} | {ANY, NOT}:
        return f" ({key} is a condition: it belongs in when)"
    return ""


def _message(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    got = f", got {_shown(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return "expected true or false" + got
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "expected a whole number" + got
    if kind == "string_type":
        return "expected a text in quotes" + got
    if kind == "list_type":
        return "expected a list [ ... ]" + got
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "expected a table { ... }" + got
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        listed = ", ".join(json.dumps(choice) for choice in choices)
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        return f"{_shown(value)} is not one of {listed}{hint}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return "must not be empty"
    if kind in ("greater_than_equal", "greater_than"):
        bound = context.get("ge", context.get("gt"))
        return f"must be at least {bound}" + got
    if kind in ("value_error", "assertion_error"):
        return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return str(error["msg"]) + got


def _shown(value: Any) -> str:
    """A value as it was written in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _dotted(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


# -- the whole set --------------------------------------------------------------------


def load_rules(
    settings: Settings,
    account: Account | None = None,
    *,
    networks: NetworkRegistry | None = None,
) -> RuleSet:
    """Every rule file, checked; raises ``RuleFileErrors`` listing every problem found.

    ``networks``: the networks recognition loaded, so network names in rules are checked
    against the same files recognition reads."""
    files, problems = rule_files(settings)
    context = load_context(settings, networks)
    loaded: list[LoadedFile] = []
    for path in files:
        try:
            result, file_problems = read_rule_file(path, context)
        except RecursionError:
            result = None
            file_problems = [FileProblem(path, 1, 1, "", "rules are nested too deeply to check")]
        problems.extend(file_problems)
        if result is not None:
            loaded.append(result)
    problems.extend(_duplicate_names(loaded))
    rules = [rule for result in loaded for rule in result.rules]
    if account is not None and account.rules is not None:
        rules, selection_problems = _select(rules, files, account, settings)
        problems.extend(selection_problems)
    if problems:
        raise RuleFileErrors(problems)
    return RuleSet(
        rules,
        files=files,
        positions={result.path: result.positions for result in loaded},
        default_language=settings.identity.default_language,
    )


def _duplicate_names(loaded: list[LoadedFile]) -> list[FileProblem]:
    first: dict[str, tuple[Path, Position]] = {}
    problems: list[FileProblem] = []
    for result in loaded:
        for name, at in result.names:
            if name in first:
                path, where = first[name]
                problems.append(
                    _at(
                        result.path,
                        at,
                        f"rule {json.dumps(name, ensure_ascii=False)}: name",
                        f"duplicate rule name, first used at {path}:{where.line}",
                    )
                )
            else:
                first[name] = (result.path, at)
    return problems


def _select(
    rules: list[CompiledRule], files: list[Path], account: Account, settings: Settings
) -> tuple[list[CompiledRule], list[FileProblem]]:
    """The account's subset: each entry names a rule or a rule file (with or without .toml)."""
    wanted = set(account.rules or ())
    choices = {rule.name for rule in rules} | {p.name for p in files} | {p.stem for p in files}
    problems = [
        FileProblem(
            settings.config_path or "configuration",
            None,
            None,
            f"account {json.dumps(account.name)}: rules",
            f"no rule or rule file named {json.dumps(entry)}{did_you_mean(entry, sorted(choices))}",
        )
        for entry in account.rules or ()
        if entry not in choices
    ]
    chosen = [
        rule
        for rule in rules
        if rule.name in wanted or rule.file.name in wanted or rule.file.stem in wanted
    ]
    return chosen, problems
