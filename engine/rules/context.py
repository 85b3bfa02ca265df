"""What a rule file is checked against: the configuration, the known networks, the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from introgate.near_miss import closest

TEMPLATE_SUFFIX = ".txt.j2"


@dataclass(frozen=True)
class LoadContext:
    """Facts outside the rule file that a rule's settings must agree with."""

    default_language: str = "en"
    # network names recognition knows; empty = not checked
    networks: frozenset[str] = frozenset()
    # folders searched for ``<template>.<language>.txt.j2``, first wins
    template_dirs: tuple[Path, ...] = field(default_factory=tuple)

    def template_problem(self, template: str, languages: tuple[str, ...]) -> str | None:
        """Why ``template`` cannot be used for every one of ``languages``, or None."""
        missing = [
            language
            for language in languages
            if not any(
                (folder / f"{template}.{language}.txt.j2").is_file()
                for folder in self.template_dirs
            )
        ]
        if not missing:
            return None
        names = [f"{template}.{language}.txt.j2" for language in missing]
        where = ", ".join(str(folder) for folder in self.template_dirs) or "no template folder"
        message = f"no template {' or '.join(names)} in {where}"
        hint = did_you_mean(template, self.template_names())
        return message + hint

    def template_languages(self, template: str) -> tuple[str, ...]:
        """The languages ``template`` exists in: ``ask-intro.fr.txt.j2`` makes French one."""
        found: set[str] = set()
        for folder in self.template_dirs:
            if folder.is_dir():
                for path in folder.glob(f"{template}.*{TEMPLATE_SUFFIX}"):
                    language = path.name[len(template) + 1 : -len(TEMPLATE_SUFFIX)]
                    if len(language) == 2 and language.isalpha() and language.islower():
                        found.add(language)
        return tuple(sorted(found))

    def template_names(self) -> list[str]:
        names: set[str] = set()
        for folder in self.template_dirs:
            if folder.is_dir():
                names.update(p.name.split(".")[0] for p in folder.glob("*.txt.j2"))
        return sorted(names)


def did_you_mean(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean "X"?)`` for a near miss, else an empty string."""
    close = closest(value, choices)
    return f' (did you mean "{close}"?)' if close is not None and close != value else ""
