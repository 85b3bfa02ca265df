"""``introgate schema rules|config``: JSON Schemas of introgate's files, for editor completion."""

from __future__ import annotations

import json
from typing import Any

import typer

from introgate.cli.loading import settings_or_defaults
from introgate.cli.options import ConfigOption
from introgate.config import config_json_schema
from introgate.recognition.registry import NetworkRegistry
from introgate.rules import rules_json_schema

schema_app = typer.Typer(
    help=(
        "Print JSON Schemas of introgate's files (point your editor's TOML plug-in at them)."
        "\n\nExamples:\n\n"
        "  introgate schema rules > ~/.config/introgate/rules.schema.json\n\n"
        "  introgate schema config > ~/.config/introgate/config.schema.json"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@schema_app.command("rules")
def rules_schema_command(config: ConfigOption = None) -> None:
    """The JSON Schema of a rule file; `network` lists the networks your config reads.

    Your own network files ([recognition] networks_paths) count too.

    Example:

      introgate schema rules > ~/.config/introgate/rules.schema.json
    """
    networks, _problems = NetworkRegistry.read(settings_or_defaults(config))
    _print(rules_json_schema(networks.ids()))


@schema_app.command("config")
def config_schema_command() -> None:
    """The JSON Schema of the config file (introgate.toml).

    Example:

      introgate schema config > ~/.config/introgate/config.schema.json
    """
    _print(config_json_schema())


def _print(schema: dict[str, Any]) -> None:
    typer.echo(json.dumps(schema, indent=2, ensure_ascii=False))
