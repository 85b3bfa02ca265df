"""``--help`` that fits a terminal without cutting words off.

Click lists a group's commands with the start of each docstring cut to the width left
over ("Write a demo Maildir with social-network requests, run one..."). Each command's
first sentence is shown whole instead, wrapped under its name like the options are.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperGroup

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str) -> str:
    """The docstring's first sentence (of its first paragraph), on one line."""
    paragraph = text.strip().split("\n\n", 1)[0]
    flat = " ".join(paragraph.split())
    return _SENTENCE_END.split(flat, maxsplit=1)[0]


class WholeSentenceGroup(TyperGroup):
    """A command group whose listing shows each command's first sentence, wrapped."""

    # click's Context and HelpFormatter: typer vendors click in newer releases and uses the
    # real one in older ones, so they are not named here
    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or first_sentence(command.help or "")
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
