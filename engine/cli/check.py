"""``introgate check``: validate config, network files, rules and templates, all at once."""

from __future__ import annotations

from collections.abc import Callable

import typer

from engine.backends import open_backend
from engine.cli.loading import problems_of
from engine.cli.options import ConfigOption
from engine.config import load_settings
from engine.errors import IntrogateError
from engine.recognition import Recogniser
from engine.rules import RuleSet, load_rules


def check_command(config: ConfigOption = None) -> None:
    """Check the configuration, network files, rule files and templates; exit 0 when all is well.

    Every problem in every file is reported at once, as FILE:LINE:COL: rule "NAME": field: message.

    Example:

      introgate check --config ~/.config/introgate/config.toml
    """
    settings = load_settings(config)
    problems: list[str] = []

    def collect(step: Callable[[], object]) -> object | None:
        try:
            return step()
        except Exception as exc:
            found = problems_of(exc)
            if found is None:
                if not isinstance(exc, IntrogateError):
                    raise
                found = [str(exc)]
            problems.extend(found)
            return None

    recogniser = collect(lambda: Recogniser.load(settings))
    rulesets: list[RuleSet] = []
    for account in settings.accounts or [None]:
        ruleset = collect(lambda account=account: load_rules(settings, account))  # type: ignore[misc]
        if isinstance(ruleset, RuleSet):
            rulesets.append(ruleset)
    problems.extend(_template_problems(settings))
    for account in settings.accounts:
        if account.backend != "maildir":
            continue  # checking IMAP folders needs the server: `introgate run --once --dry-run`
        for ruleset in rulesets[:1]:
            problems.extend(_folder_problems(account, ruleset))
    if problems:
        for problem in dict.fromkeys(problems):
            typer.echo(problem, err=True)
        typer.echo(f"{len(set(problems))} problem(s) found", err=True)
        raise typer.Exit(1)
    summary = f"ok: {settings.config_path}"
    if isinstance(recogniser, Recogniser):
        summary += f", {len(recogniser.networks)} networks"
    if rulesets:
        summary += f", {len(rulesets[0].rules)} rules"
    typer.echo(summary)


def _template_problems(settings: object) -> list[str]:
    from engine.drafts.templates import check_templates

    return check_templates(settings)  # type: ignore[arg-type]


def _folder_problems(account: object, ruleset: RuleSet) -> list[str]:
    from engine.rules.check import check_folders

    with open_backend(account) as backend:  # type: ignore[arg-type]
        return check_folders(ruleset, backend.list_folders())
