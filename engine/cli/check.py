"""``introgate check``: validate config, network files, rules, templates and contacts at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from introgate.backends import open_backend
from introgate.cli.loading import print_problems
from introgate.cli.options import ConfigOption
from introgate.config import Account, Settings, load_settings
from introgate.config_ready import unready_values
from introgate.drafts.templates import check_templates
from introgate.errors import FileProblem, FileProblems, IntrogateError
from introgate.explain import offline_known_people
from introgate.recognition import Recogniser
from introgate.recognition.registry import NetworkRegistry
from introgate.rules import RuleSet, load_rules
from introgate.rules.check import check_folders

T = TypeVar("T")


def check_command(config: ConfigOption = None) -> None:
    """Check config, network files, rule files, templates and contacts; exit 0 when all is well.

    Every problem in every file is reported at once, as FILE:LINE:COL: rule "NAME": field: message.

    Example:

      introgate check --config ~/.config/introgate/config.toml
    """
    try:
        settings = load_settings(config)
    except FileProblems as exc:
        print_problems(exc.problems)
        raise typer.Exit(1) from exc
    problems: list[FileProblem | str] = []

    def collect(step: Callable[[], T]) -> T | None:
        try:
            return step()
        except FileProblems as exc:
            problems.extend(exc.problems)
        except IntrogateError as exc:
            problems.append(str(exc))
        return None

    recogniser = collect(lambda: Recogniser.load(settings))
    # rules check network names against the networks recognition loaded (read again only
    # when a network file is broken: then its valid siblings still count)
    networks = recogniser.registry if recogniser is not None else None
    rulesets: dict[str, RuleSet | None] = {}
    for account in settings.accounts:
        rulesets[account.name] = collect(_rules_loader(settings, account, networks))
    if not settings.accounts:
        rulesets[""] = collect(_rules_loader(settings, None, networks))
    problems.extend(unready_values(settings))
    problems.extend(check_templates(settings))
    network_ids = networks.ids() if networks is not None else frozenset[str]()
    problems.extend(offline_known_people(settings).problems(network_ids))
    for account in settings.accounts:
        ruleset = rulesets.get(account.name)
        if ruleset is not None and account.backend == "maildir":
            # IMAP folders need the server: `introgate run --once --dry-run` shows those
            problems.extend(_folder_problems(account, ruleset))
    if problems:
        print_problems(problems)
        raise typer.Exit(1)
    typer.echo(_summary(settings, recogniser, [r for r in rulesets.values() if r is not None]))


def _rules_loader(
    settings: Settings, account: Account | None, networks: NetworkRegistry | None
) -> Callable[[], RuleSet]:
    return lambda: load_rules(settings, account, networks=networks)


def _folder_problems(account: Account, ruleset: RuleSet) -> list[str]:
    with open_backend(account) as backend:
        return check_folders(ruleset, backend.list_folders)


def _summary(settings: Settings, recogniser: Recogniser | None, rulesets: list[RuleSet]) -> str:
    parts = [f"ok: {settings.config_path}"]
    if recogniser is not None:
        parts.append(f"{len(recogniser.networks)} networks")
    if rulesets:
        parts.append(f"{len(rulesets[0].names)} rules")
    parts.append(f"{len(settings.accounts)} accounts")
    return ", ".join(parts)
