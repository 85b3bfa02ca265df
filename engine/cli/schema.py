"""``introgate schema rules``: the JSON Schema of a rule file, for editor completion."""

from __future__ import annotations

import json

import typer

from introgate.rules import rules_json_schema

schema_app = typer.Typer(
    help="Print JSON Schemas of introgate's files (point your editor's TOML plug-in at them).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@schema_app.command("rules")
def rules_schema_command() -> None:
    """The JSON Schema of a rule file.

    Example: introgate schema rules > ~/.config/introgate/rules.schema.json
    """
    typer.echo(json.dumps(rules_json_schema(), indent=2, ensure_ascii=False))
